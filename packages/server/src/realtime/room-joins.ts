import type { AppSocket } from '../transport/socket-types';

/**
 * The ledger position at which a socket joined each of its rooms. Kept beside
 * the socket rather than in `socket.data`, which must stay serialisable for
 * connection state recovery; a recovered socket's rooms count as joined long ago.
 */
const joins = new WeakMap<AppSocket, Map<string, number>>();

export function noteJoined(socket: AppSocket, rooms: readonly string[], position: number): void {
  let map = joins.get(socket);
  if (!map) joins.set(socket, (map = new Map()));
  for (const room of rooms) if (!map.has(room)) map.set(room, position);
}

export function noteLeft(socket: AppSocket, room: string): void {
  joins.get(socket)?.delete(room);
}

export function joinedAt(socket: AppSocket, room: string): number {
  return joins.get(socket)?.get(room) ?? 0;
}
