import { notificationsClient as C, notificationsServer as S } from '@switchboard/protocol';

import type { Services } from '../services';
import type { AppIo, AppSocket } from '../transport/socket-types';
import { actorOf, eventsOf, openNamespace } from './namespace-session';

/**
 * 001's `/notifications`: a socket sees only its own user's notifications.
 * It hears the unread count on connect; every later change reaches all of the
 * user's sockets through the user room, so several tabs stay in step.
 */
export function attachNotificationsNamespace(services: Services, io: AppIo): void {
  const nsp = openNamespace(services, io, 'notifications');
  nsp.on('connection', (socket: AppSocket) => {
    const on = eventsOf(services, socket);
    const who = () => actorOf(socket);

    services.notifications.unread(who()).then(
      (unread) => socket.emit(S['notification:count'].name, { unread }),
      (err) => services.log.warn({ err }, 'unread count on connect failed'),
    );

    on(C['notification:markRead'], async ({ id }) => services.notifications.markRead(who(), id));
    on(C['notification:markAllRead'], async () => services.notifications.markAllRead(who()));
  });
}
