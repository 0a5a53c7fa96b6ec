import { type EventDef, type NamespaceName, NAMESPACES, type UserSummary } from '@switchboard/protocol';
import type { z } from 'zod';

import { NAMESPACE_ROLES } from '../access/policy';
import type { TicketActor } from '../domain/ticket-service';
import { AppError, toErrorPayload } from '../errors';
import { roomName, type RoomRef, type Surface } from '../realtime/delivery';
import type { Services } from '../services';
import { eventDeps } from '../transport/event-deps';
import { handshakeError } from '../transport/handshake-error';
import { type EventHandler, onEvent } from '../transport/on-event';
import { principalOf } from '../transport/principal-of';
import { socketAuth } from '../transport/socket-auth';
import type { AppIo, AppNamespace, AppSocket } from '../transport/socket-types';
import { clearTokenTimers, watchTokenLifetime } from '../transport/token-lifetime';
import { baseRooms } from './default-session';

/** Seed 001's namespaces other than `/`. */
export type NamedNamespace = Exclude<NamespaceName, 'default'>;

export function namedSurface(name: NamedNamespace): Surface {
  return { ns: NAMESPACES[name] };
}

/**
 * Opens one of 001's namespaces with what they share: the handshake (token,
 * and the roles of access/policy.ts — others get FORBIDDEN at connect), the
 * user row, and the socket's own rooms. Rooms are joined in middleware, before
 * the client hears `connect`, so nothing broadcast after `connect` can miss
 * the socket. The token's `exp` is enforced for the whole connection.
 */
export function openNamespace(services: Services, io: AppIo, name: NamedNamespace): AppNamespace {
  const nsp = io.of(NAMESPACES[name]);
  const roles = NAMESPACE_ROLES[name];
  nsp.use(socketAuth(services, roles ? { allowLate: false, roles } : { allowLate: false }));
  nsp.use((socket, next) => {
    enter(services, socket, name).then(
      () => next(),
      (err) => {
        const { code, message } = toErrorPayload(err, services.log, `${NAMESPACES[name]} handshake`);
        next(handshakeError(code, message));
      },
    );
  });
  nsp.on('connection', (socket: AppSocket) => {
    watchTokenLifetime(socket, services.config.TOKEN_REFRESH_LEAD_MS, { refresh: false });
    socket.on('disconnect', () => clearTokenTimers(socket));
  });
  return nsp;
}

async function enter(services: Services, socket: AppSocket, name: NamedNamespace): Promise<void> {
  const principal = principalOf(socket);
  await services.users.ensure(principal);
  services.summaries.remember(principal.accountId, summaryOfSocket(socket));
  if (!socket.recovered) await joinRooms(socket, name, baseRooms(socket));
}

export async function joinRooms(socket: AppSocket, name: NamedNamespace, refs: RoomRef[]): Promise<void> {
  await socket.join(refs.map((r) => roomOf(socket.data.accountId, name, r)));
}

export async function leaveRooms(socket: AppSocket, name: NamedNamespace, refs: RoomRef[]): Promise<void> {
  for (const r of refs) await socket.leave(roomOf(socket.data.accountId, name, r));
}

export function roomOf(accountId: string, name: NamedNamespace, ref: RoomRef): string {
  return roomName(accountId, ref, namedSurface(name));
}

export function actorOf(socket: AppSocket): TicketActor {
  return principalOf(socket);
}

export function summaryOfSocket(socket: AppSocket): UserSummary {
  const d = socket.data;
  return { id: d.userId, name: d.name, email: d.email, role: d.role };
}

/** Registers client events of one socket through onEvent: size, rate limit, schema, ack or `error`. */
export function eventsOf(services: Services, socket: AppSocket) {
  const deps = eventDeps(services);
  return <S extends z.ZodType>(def: EventDef<string, S>, handler: EventHandler<S>) => onEvent(deps, socket, def, handler);
}

/**
 * A subscribe or join names a room; when its ticket or conversation does not
 * exist in the caller's tenant, the room does not exist (001: ROOM_NOT_FOUND).
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
