import { type Dialect, isStaff, type Role } from '@switchboard/protocol';

import type { Delivery, RoomRef } from './delivery';

export interface Viewer {
  ns: string;
  dialect: Dialect;
  userId: string;
  role: Role;
  teamIds: string[];
  boundConversationId?: string | undefined;
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
  if (delivery.except?.some((r) => mayBeIn(r, viewer))) return false;
  return delivery.to.some((r) => mayBeIn(r, viewer));
}

function mayBeIn(r: RoomRef, v: Viewer): boolean {
  const staff = isStaff(v.role);
  if (v.boundConversationId) {
    return r.kind === 'all' || (r.kind === 'conversation' && r.id === v.boundConversationId) || (r.kind === 'user' && r.id === v.userId);
  }
  switch (r.kind) {
    case 'all':
    case 'tenant':
    case 'conversation':
      return true;
    case 'tenantStaff':
    case 'ticket':
      return staff;
    case 'user':
      return r.id === v.userId;
    case 'agent':
      return staff && r.id === v.userId;
    case 'team':
      return v.teamIds.includes(r.id);
    case 'presence':
      return false;
  }
}
