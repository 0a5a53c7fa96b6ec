import { defaultServer as S, isStaff } from '@switchboard/protocol';
import type { ReplayService } from '../domain/replay-service';
import type { AppSocket } from '../transport/socket-types';
import type { Broadcaster } from './broadcaster';
import type { Delivery, RoomRef } from './delivery';
import { withEnvelope } from './with-envelope';

/**
 * Sends a reconnecting socket, in order, every logged event it may see after
 * `since` that it did not receive live, then `sync_complete`. Call after the
 * socket has joined its rooms: the ledger position taken here splits the log
 * into what was broadcast before the join (replayed) and what the socket gets
 * live (left out), so nothing is missed and nothing arrives twice.
 */
export async function replayToSocket(socket: AppSocket, since: number, replay: ReplayService, broadcaster: Broadcaster): Promise<void> {
  const position = broadcaster.ledger.position();
  const d = socket.data;
  let lastSeq = since;
  let replayed = 0;
  for await (const e of replay.all({ accountId: d.accountId, userId: d.userId, isStaff: isStaff(d.role) }, since)) {
    lastSeq = e.seq;
    if (!broadcaster.ledger.broadcastBefore(e.seq, position)) continue;
    for (const delivery of broadcaster.deliveries(e)) {
      if (!reaches(delivery, socket)) continue;
      socket.emit(delivery.event, withEnvelope(delivery.payload, e.seq, e.eventId));
      replayed++;
    }
  }
  socket.emit(S.sync_complete.name, { lastSeq, replayed });
}

function reaches(delivery: Delivery, socket: AppSocket): boolean {
  const surface = delivery.surface;
  const nsName = socket.nsp.name === '/' ? '/' : socket.data.boundConversationId ? '/' : socket.nsp.name;
  if (surface.ns !== nsName) return false;
  if (surface.ns === '/' && surface.dialect !== socket.data.dialect) return false;
  if (delivery.except?.some((r) => inRoom(r, socket))) return false;
  return delivery.to.some((r) => inRoom(r, socket));
}

/** Membership as replay sees it: the log query already limited conversations to those the viewer may read. */
function inRoom(r: RoomRef, socket: AppSocket): boolean {
  const d = socket.data;
  const staff = isStaff(d.role);
  if (d.boundConversationId) return r.kind === 'all' || (r.kind === 'conversation' && r.id === d.boundConversationId) || (r.kind === 'user' && r.id === d.userId);
  switch (r.kind) {
    case 'all':
    case 'tenant':
    case 'conversation':
      return true;
    case 'tenantStaff':
    case 'ticket':
      return staff;
    case 'user':
      return r.id === d.userId;
    case 'agent':
      return staff && r.id === d.userId;
    case 'team':
      return d.teamIds.includes(r.id);
    case 'presence':
      return false;
  }
}
