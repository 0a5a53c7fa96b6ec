import { type Dialect, isStaff, type Role } from '@switchboard/protocol';

import type { AppSocket } from '../transport/socket-types';
import type { Delivery, RoomRef } from './delivery';

/** Who a socket (or a polling client) is, as far as which rooms it is in. */
export interface Viewer {
  ns: string;
  dialect: Dialect;
  userId: string;
  role: Role;
  teamIds: readonly string[];
  boundConversationId?: string | undefined;
}

/**
 * The rooms a viewer is in from the moment its session starts. Sockets join exactly these
 * (handlers/session.ts), and replay and polling decide from exactly these what a viewer would have
 * heard live, so the two cannot differ. Team rooms are staff rooms: a customer's token may carry
 * `teamIds` (they come from whoever signs it), and must not make it hear its teams' tickets.
 * A socket bound to one conversation (the widget's) is in that conversation and its own rooms only.
 */
export function roomsOf(v: Viewer): RoomRef[] {
  if (v.boundConversationId) {
    return [{ kind: 'all' }, { kind: 'user', id: v.userId }, { kind: 'conversation', id: v.boundConversationId }];
  }
  const refs: RoomRef[] = [{ kind: 'all' }, { kind: 'tenant' }, { kind: 'user', id: v.userId }];
  if (isStaff(v.role)) {
    refs.push({ kind: 'tenantStaff' }, { kind: 'agent', id: v.userId });
    for (const team of v.teamIds) refs.push({ kind: 'team', id: team });
  }
  return refs;
}

/**
 * Rooms a viewer joins later, each after its own check, that replay and polling count as joined:
 * conversations (the event log already limits conversation events to those the viewer may read)
 * and, for staff, tickets. Presence rooms are never counted: presence is state, not history.
 */
function mayJoinLater(r: RoomRef, v: Viewer): boolean {
  if (v.boundConversationId) return false;
  if (r.kind === 'conversation') return true;
  if (r.kind === 'ticket') return isStaff(v.role);
  return false;
}

/** Whether `refs` holds a room of the same kind and id as `r`. */
export function holdsRoom(refs: readonly RoomRef[], r: RoomRef): boolean {
  return refs.some((x) => x.kind === r.kind && ('id' in x ? 'id' in r && x.id === r.id : true));
}

/**
 * Would this viewer receive this delivery, were it in every room it may be in?
 * Used for replay and polling, where the event log has already limited
 * conversation events to conversations the viewer may read.
 */
export function viewerReceives(delivery: Delivery, viewer: Viewer): boolean {
  const surface = delivery.surface;
  if (surface.ns !== viewer.ns) return false;
  if (surface.ns === '/' && surface.dialect !== viewer.dialect) return false;
  const base = roomsOf(viewer);
  const mayBeIn = (r: RoomRef) => holdsRoom(base, r) || mayJoinLater(r, viewer);
  if (delivery.except?.some(mayBeIn)) return false;
  return delivery.to.some(mayBeIn);
}

/** The viewer a socket is: the widget's conversation namespaces speak the default namespace's widget vocabulary. */
export function viewerOf(socket: AppSocket): Viewer {
  const d = socket.data;
  return {
    ns: socket.nsp.name === '/' || d.boundConversationId ? '/' : socket.nsp.name,
    dialect: d.dialect,
    userId: d.userId,
    role: d.role,
    teamIds: d.teamIds,
    boundConversationId: d.boundConversationId,
  };
}
