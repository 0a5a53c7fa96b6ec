import { defaultServer as S, isStaff } from '@switchboard/protocol';
import { viewerReceives } from './viewer-receives';
import type { ReplayService } from '../domain/replay-service';
import type { AppSocket } from '../transport/socket-types';
import type { Broadcaster } from './broadcaster';
import { roomName, type Delivery } from './delivery';
import { joinedAt } from './room-joins';
import { withEnvelope } from './with-envelope';

/**
 * Sends a socket, in order, every logged event it may see after `since` that it
 * did not and will not receive live, then `sync_complete`. An event reached the
 * socket live when it was broadcast after the socket joined one of the event's
 * rooms; it will when it is not broadcast yet and the socket is in such a room.
 * Everything else it may see is replayed: nothing missed, nothing twice.
 */
export async function replayToSocket(socket: AppSocket, since: number, replay: ReplayService, broadcaster: Broadcaster): Promise<void> {
  const d = socket.data;
  let lastSeq = since;
  let replayed = 0;
  for await (const e of replay.all({ accountId: d.accountId, userId: d.userId, isStaff: isStaff(d.role) }, since)) {
    lastSeq = e.seq;
    const at = broadcaster.ledger.positionOf(e.seq);
    for (const delivery of broadcaster.deliveries(e)) {
      if (!reaches(delivery, socket)) continue;
      const live = delivery.to.map((r) => roomName(e.accountId, r, delivery.surface)).filter((room) => socket.rooms.has(room));
      const gotLive = at !== undefined && live.some((room) => joinedAt(socket, room) < at);
      // Not out here yet: it will reach the socket live if it will still go out here at all; one the
      // node will never emit (written before it started, or outside the tailer's window) is replayed.
      const willGetLive = at === undefined && live.length > 0 && broadcaster.willEmit(e);
      if (gotLive || willGetLive) continue;
      socket.emit(delivery.event, withEnvelope(delivery.payload, e.seq, e.eventId));
      replayed++;
    }
  }
  socket.emit(S.sync_complete.name, { lastSeq, replayed });
}

function reaches(delivery: Delivery, socket: AppSocket): boolean {
  const d = socket.data;
  // 003's dynamic namespaces speak the default namespace's widget vocabulary.
  const ns = socket.nsp.name === '/' || d.boundConversationId ? '/' : socket.nsp.name;
  return viewerReceives(delivery, { ns, dialect: d.dialect, userId: d.userId, role: d.role, teamIds: d.teamIds, boundConversationId: d.boundConversationId });
}
