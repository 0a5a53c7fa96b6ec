import type { AppSocket } from '../transport/socket-types';

/** Rooms a socket joined in one go, and the ledger position they were joined at. */
interface JoinGroup {
  at: number;
  rooms: string[];
}

/**
 * The ledger position at which a socket joined each of its rooms. Kept beside
 * the socket rather than in `socket.data`, which must stay serialisable for
 * connection state recovery; a recovered socket's rooms count as joined long ago.
 * Rooms joined together share one entry (a socket's base rooms are joined at
 * once): a Map per socket cost about 300 bytes per idle connection.
 */
const joins = new WeakMap<AppSocket, JoinGroup[]>();

export function noteJoined(socket: AppSocket, rooms: readonly string[], position: number): void {
  let groups = joins.get(socket);
  if (!groups) joins.set(socket, (groups = []));
  const fresh = rooms.filter((room) => find(groups, room) === undefined);
  if (fresh.length) groups.push({ at: position, rooms: fresh });
}

export function noteLeft(socket: AppSocket, room: string): void {
  const groups = joins.get(socket);
  const group = groups && find(groups, room);
  if (!group) return;
  group.rooms.splice(group.rooms.indexOf(room), 1);
  if (group.rooms.length === 0) groups.splice(groups.indexOf(group), 1);
}

export function joinedAt(socket: AppSocket, room: string): number {
  const groups = joins.get(socket);
  return (groups && find(groups, room)?.at) ?? 0;
}

function find(groups: readonly JoinGroup[], room: string): JoinGroup | undefined {
  return groups.find((g) => g.rooms.includes(room));
}
