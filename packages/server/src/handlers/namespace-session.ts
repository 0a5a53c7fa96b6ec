import { type NamespaceName, NAMESPACES } from '@switchboard/protocol';

import { NAMESPACE_ROLES } from '../access/policy';
import { AppError, toErrorPayload } from '../errors';
import type { Services } from '../services';
import { eventDeps } from '../transport/event-deps';
import { handshakeError } from '../transport/handshake-error';
import { type EventTable, onEvents } from '../transport/on-event';
import { principalOf } from '../transport/principal-of';
import { socketAuth } from '../transport/socket-auth';
import type { AppIo, AppNamespace, AppSocket } from '../transport/socket-types';
import { type Session, SocketSession, summaryOf } from './session';

/** The namespaces other than `/`: `/tickets`, `/chat`, `/notifications`, `/presence`, `/dashboard`. */
export type NamedNamespace = Exclude<NamespaceName, 'default'>;

/**
 * Opens a named namespace with what they share: the handshake (token, and the
 * roles of access/policy.ts — others get FORBIDDEN at connect), the user row,
 * the socket's own rooms, and the namespace's table of client events (built
 * once per server, see `sessionTable`). Rooms are joined in middleware,
 * before the client hears `connect`, so nothing broadcast after `connect` can
 * miss the socket. The token's `exp` is enforced for the whole connection.
 */
export function openNamespace<Calls>(
  services: Services,
  io: AppIo,
  name: NamedNamespace,
  table: EventTable<Session, Calls> | null,
): AppNamespace {
  const nsp = io.of(NAMESPACES[name]);
  const roles = NAMESPACE_ROLES[name];
  nsp.use(socketAuth(services, roles ? { allowLate: false, roles } : { allowLate: false }));
  nsp.use((socket, next) => {
    enter(services, socket).then(
      () => next(),
      (err) => {
        const { code, message } = toErrorPayload(err, services.log, `${NAMESPACES[name]} handshake`);
        next(handshakeError(code, message));
      },
    );
  });
  const deps = eventDeps(services);
  nsp.on('connection', (socket: AppSocket) => {
    if (table) onEvents(deps, socket, table);
    services.tokenLifetimes.watch(socket, { refresh: false });
    socket.on('disconnect', () => services.tokenLifetimes.clear(socket));
  });
  return nsp;
}

async function enter(services: Services, socket: AppSocket): Promise<void> {
  const principal = principalOf(socket);
  await services.users.ensure(principal);
  services.summaries.remember(principal.accountId, summaryOf(principal));
  // A recovered socket is back in its rooms already.
  if (!socket.recovered) await new SocketSession(services, socket).joinOwnRooms();
}

/**
 * A subscribe or join names a room; when its ticket or conversation does not
 * exist in the caller's tenant, the room does not exist (ROOM_NOT_FOUND, as the named namespaces' protocol says).
 * Another tenant's looks the same, so nothing leaks about it.
 */
export async function asRoom<T>(lookup: Promise<T>): Promise<T> {
  try {
    return await lookup;
  } catch (err) {
    if (err instanceof AppError && err.code === 'NOT_FOUND')
      throw new AppError('ROOM_NOT_FOUND', err.message.replace(/not found$/, 'room not found'));
    throw err;
  }
}
