import { rooms, type Dialect } from '@switchboard/protocol';

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
