import { notificationsClient as C, notificationsServer as S } from '@switchboard/protocol';

import type { Services } from '../services';
import { principalOf } from '../transport/principal-of';
import type { AppIo, AppSocket } from '../transport/socket-types';
import { openNamespace } from './namespace-session';
import { sessionTable } from './session';

/**
 * `/notifications`: a socket sees only its own user's notifications.
 * It hears the unread count on connect; every later change reaches all of the
 * user's sockets through the user room, so several tabs stay in step.
 */
export function attachNotificationsNamespace(services: Services, io: AppIo): void {
  const nsp = openNamespace(services, io, 'notifications', notificationsEvents(services));
  nsp.on('connection', (socket: AppSocket) => {
    services.notifications.unread(principalOf(socket)).then(
      (unread) => socket.emit(S['notification:count'].name, { unread }),
      (err) => services.log.warn({ err }, 'unread count on connect failed'),
    );
  });
}

/** `/notifications`' client events; `.caller(session)` runs them without a socket. */
export function notificationsEvents(services: Services) {
  const { notifications } = services;
  return sessionTable(services)
    .on(C['notification:markRead'], (session, { id }) => notifications.markRead(session.actor, id))
    .on(C['notification:markAllRead'], (session) => notifications.markAllRead(session.actor));
}
