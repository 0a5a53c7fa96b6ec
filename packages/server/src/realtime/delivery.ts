import { type Dialect, rooms } from '@switchboard/protocol';

/** A room within the event's tenant, by meaning rather than by name. */
export type RoomRef =
  | { kind: 'tenant' }
  | { kind: 'tenantStaff' }
  | { kind: 'user'; id: string }
  | { kind: 'agent'; id: string }
  | { kind: 'team'; id: string }
  | { kind: 'conversation'; id: string }
  | { kind: 'ticket'; id: string }
  | { kind: 'presence'; id: string }
  /** Every socket of the namespace, all tenants: only for system-wide notices. */
  | { kind: 'all' };

/** Where a socket lives: one vocabulary of the default namespace, or one of 001's namespaces. */
export type Surface = { ns: '/'; dialect: Dialect } | { ns: '/tickets' | '/chat' | '/notifications' | '/presence' | '/dashboard' };

/** One emit: an event, in one vocabulary, to the union of some rooms minus others. */
export interface Delivery {
  surface: Surface;
  to: RoomRef[];
  except?: RoomRef[];
  event: string;
  payload: unknown;
  volatile?: boolean;
}

/** The canonical room name; on the default namespace each vocabulary has its own copy of every room. */
export function roomName(accountId: string, ref: RoomRef, surface: Surface): string {
  const base = canonical(accountId, ref);
  return surface.ns === '/' ? `${surface.dialect}|${base}` : base;
}

const SHARED_KINDS = new Set<RoomRef['kind']>(['tenant', 'tenantStaff', 'team', 'all']);
const MAX_SHARED_NAMES = 10_000;
const sharedNames = new Map<string, string>();

/**
 * The name of a room a socket joins, as one string for every socket of a tenant-wide room: each
 * socket otherwise keeps its own copy (built by concatenation, so with its cons-string wrappers),
 * about 0.3 KiB per connection for its tenant, staff and everyone rooms. Bounded: when full the
 * table starts over, which costs only sharing.
 */
export function joinedRoomName(accountId: string, ref: RoomRef, surface: Surface): string {
  const name = roomName(accountId, ref, surface);
  if (!SHARED_KINDS.has(ref.kind)) return name;
  const known = sharedNames.get(name);
  if (known !== undefined) return known;
  if (sharedNames.size >= MAX_SHARED_NAMES) sharedNames.clear();
  sharedNames.set(name, name);
  return name;
}

function canonical(accountId: string, ref: RoomRef): string {
  switch (ref.kind) {
    case 'tenant':
      return rooms.tenant(accountId);
    case 'tenantStaff':
      return rooms.tenantStaff(accountId);
    case 'all':
      return '*';
    default:
      return rooms[ref.kind](accountId, ref.id);
  }
}
