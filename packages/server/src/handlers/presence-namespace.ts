import { presenceClient as C, presenceServer as S } from '@switchboard/protocol';

import type { PresenceUser } from '../domain/presence-service';
import type { Services } from '../services';
import type { AppIo, AppSocket } from '../transport/socket-types';
import { actorOf, eventsOf, joinRooms, leaveRooms, openNamespace } from './namespace-session';

/**
 * 001's `/presence`, staff only: set one's status, and watch chosen users of
 * the same tenant. A `/presence` socket is a connection like any other: the
 * user is online while one of its sockets is open, and a chosen status
 * outlives reconnects (the presence store remembers it).
 */
export function attachPresenceNamespace(services: Services, io: AppIo): void {
  const nsp = openNamespace(services, io, 'presence');
  nsp.on('connection', (socket: AppSocket) => {
    const on = eventsOf(services, socket);
    const d = socket.data;
    const user: PresenceUser = { accountId: d.accountId, userId: d.userId, role: d.role, name: d.name };
    const fail = (what: string) => (err: unknown) => services.log.warn({ err }, what);

    services.presence.connected(user, socket.id).catch(fail('presence connect failed'));
    socket.on('disconnect', () => {
      services.presence.disconnected(user, socket.id).catch(fail('presence disconnect failed'));
    });

    on(C['presence:status'], async ({ status }) => {
      await services.presence.setStatus(user, status);
    });

    on(C['presence:subscribe'], async ({ userIds }) => {
      const entries = await services.presenceWatch.entries(actorOf(socket), userIds);
      await joinRooms(
        socket,
        'presence',
        entries.map((e) => ({ kind: 'presence', id: e.userId })),
      );
      socket.emit(S['presence:list'].name, entries);
      return entries;
    });

    on(C['presence:unsubscribe'], async ({ userIds }) => {
      await leaveRooms(
        socket,
        'presence',
        userIds.map((id) => ({ kind: 'presence', id })),
      );
    });
  });
}
