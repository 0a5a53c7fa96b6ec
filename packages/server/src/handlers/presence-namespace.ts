import { presenceClient as C, presenceServer as S } from '@switchboard/protocol';

import type { Services } from '../services';
import { reply } from '../transport/on-event';
import { principalOf } from '../transport/principal-of';
import type { AppIo, AppSocket } from '../transport/socket-types';
import { openNamespace } from './namespace-session';
import { sessionTable } from './session';

/**
 * `/presence`, staff only: set one's status, and watch chosen users of
 * the same tenant. A `/presence` socket is a connection like any other: the
 * user is online while one of its sockets is open, and a chosen status
 * outlives reconnects (the presence store remembers it).
 */
export function attachPresenceNamespace(services: Services, io: AppIo): void {
  const nsp = openNamespace(services, io, 'presence', presenceEvents(services));
  nsp.on('connection', (socket: AppSocket) => {
    const user = principalOf(socket);
    const fail = (what: string) => (err: unknown) => services.log.warn({ err }, what);
    services.presence.connected(user, socket.id).catch(fail('presence connect failed'));
    socket.on('disconnect', () => {
      services.presence.disconnected(user, socket.id).catch(fail('presence disconnect failed'));
    });
  });
}

/** `/presence`' client events; `.caller(session)` runs them without a socket. */
export function presenceEvents(services: Services) {
  const { presence, presenceWatch } = services;
  return sessionTable(services)
    .on(C['presence:status'], async (session, { status }) => {
      await presence.setStatus(session.actor, status);
    })
    .on(
      C['presence:subscribe'],
      async (session, { userIds }) => {
        const entries = await presenceWatch.entries(session.actor, userIds);
        await session.join(entries.map((e) => ({ kind: 'presence', id: e.userId })));
        return entries;
      },
      { reply: (entries) => reply(S['presence:list'], entries) },
    )
    .on(C['presence:unsubscribe'], async (session, { userIds }) => {
      await session.leave(userIds.map((id) => ({ kind: 'presence', id })));
    });
}
