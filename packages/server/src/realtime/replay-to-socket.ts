import { defaultServer as S, isStaff, type SyncResult } from '@switchboard/protocol';

import type { ReplayBudget } from '../cluster/replay-budget';
import type { LoggedEvent } from '../domain/domain-event';
import type { ReplayService } from '../domain/replay-service';
import { AppError } from '../errors';
import type { AppSocket } from '../transport/socket-types';
import type { Broadcaster } from './broadcaster';
import { type Delivery, roomName, withEnvelope } from './delivery';
import { joinedAt } from './room-joins';
import { viewerOf, viewerReceives } from './viewer-receives';

export interface ReplayLimits {
  /** Events read from the log at a time. */
  pageSize: number;
  /** Events read per call at most; then `hasMore`. */
  maxPerSync: number;
  /** More visible events than this after `since`: `resync_required` instead of a replay. */
  resyncThreshold: number;
}

export interface ReplayDeps {
  replay: ReplayService;
  broadcaster: Broadcaster;
  budget: ReplayBudget;
  limits: ReplayLimits;
}

/** Longest a page waits for the client to take the previous one; a client slower than this continues later. */
const FLUSH_WAIT_MS = 5_000;
/** Per socket: replays running or waiting (at most one of each). */
const lanes = new WeakMap<AppSocket, { pending: number; tail: Promise<void> }>();

/**
 * Sends a socket, in order, every logged event it may see after `since` that it
 * did not and will not receive live, then `sync_complete`. An event reached the
 * socket live when it was broadcast after the socket joined one of the event's
 * rooms; it will when it is not broadcast yet and the socket is in such a room.
 * Everything else it may see is replayed: nothing missed, nothing twice.
 *
 * Bounded, so that one client cannot hold the node: a page at a time (read, render, emit, wait until
 * the transport took it, yield to other work), at most `maxPerSync` events per call (the client
 * continues while `hasMore`), one replay at a time per socket (one more may wait its turn), each page
 * paid from the socket's replay budget by its size. A client too far behind is told to resync over HTTP instead.
 *
 * @throws AppError RATE_LIMITED when a replay runs on the socket and another waits, or its budget cannot pay a first page.
 */
export async function replayToSocket(socket: AppSocket, since: number, deps: ReplayDeps): Promise<SyncResult> {
  const lane = lanes.get(socket) ?? { pending: 0, tail: Promise.resolve() };
  if (lane.pending >= 2) {
    throw new AppError('RATE_LIMITED', 'A replay is running on this socket and another one waits; wait for a sync_complete', {
      reason: 'REPLAY_IN_PROGRESS',
      retryAfterMs: 500,
    });
  }
  lanes.set(socket, lane);
  lane.pending++;
  // A replay asked for while one runs (the client's `sync` after the handshake's) waits its turn.
  const turn = lane.tail.then(async () => {
    const result = await replayPages(socket, since, deps);
    socket.emit(S.sync_complete.name, result);
    return result;
  });
  lane.tail = turn.then(
    () => undefined,
    () => undefined,
  );
  try {
    return await turn;
  } finally {
    if (--lane.pending === 0) lanes.delete(socket);
  }
}

async function replayPages(socket: AppSocket, since: number, deps: ReplayDeps): Promise<SyncResult> {
  const d = socket.data;
  const viewer = { accountId: d.accountId, userId: d.userId, isStaff: isStaff(d.role) };
  const { pageSize, maxPerSync, resyncThreshold } = deps.limits;
  let cursor = since;
  let read = 0;
  let replayed = 0;
  while (read < maxPerSync && socket.connected) {
    const want = Math.min(pageSize, maxPerSync - read);
    try {
      await deps.budget.consume(socket, want);
    } catch (err) {
      // The first page is refused outright; a later one ends this call early, to be continued.
      if (read === 0 || !(err instanceof AppError)) throw err;
      return { lastSeq: cursor, replayed, hasMore: true, retryAfterMs: Number(err.details?.retryAfterMs ?? 0) };
    }
    // One more than wanted, to know without another read whether anything follows.
    const page = await deps.replay.page(viewer, cursor, want + 1);
    // How far behind is counted only when more than a page is (the common short catch-up costs one read).
    if (read === 0 && page.length > want && (await deps.replay.behindMoreThan(viewer, since, resyncThreshold))) {
      const lastSeq = await deps.replay.lastSeq(d.accountId);
      socket.emit(S.resync_required.name, { since, lastSeq, threshold: resyncThreshold });
      return { lastSeq: since, replayed: 0, hasMore: true, resync: true };
    }
    const events = page.slice(0, want);
    await deps.budget.refund(socket, want - events.length);
    for (const e of events) {
      replayed += emitMissed(socket, e, deps.broadcaster);
      cursor = e.seq;
    }
    read += events.length;
    if (page.length <= want) return { lastSeq: cursor, replayed, hasMore: false };
    if (!(await flushed(socket))) break;
  }
  return { lastSeq: cursor, replayed, hasMore: true };
}

/** Emits what of one logged event the socket did not and will not get live; how many emits that took. */
function emitMissed(socket: AppSocket, e: LoggedEvent, broadcaster: Broadcaster): number {
  const at = broadcaster.ledger.positionOf(e.seq);
  let n = 0;
  for (const delivery of broadcaster.deliveries(e)) {
    if (!reaches(delivery, socket)) continue;
    const live = delivery.to.map((r) => roomName(e.accountId, r, delivery.surface)).filter((room) => socket.rooms.has(room));
    const gotLive = at !== undefined && live.some((room) => joinedAt(socket, room) < at);
    // Not out here yet: it will reach the socket live if it will still go out here at all; one the
    // node will never emit (written before it started, or outside the tailer's window) is replayed.
    const willGetLive = at === undefined && live.length > 0 && broadcaster.willEmit(e);
    if (gotLive || willGetLive) continue;
    socket.emit(delivery.event, withEnvelope(delivery.payload, e.seq, e.eventId));
    n++;
  }
  return n;
}

type Transport = { writable: boolean; once(ev: string, fn: () => void): void; off(ev: string, fn: () => void): void };
type Conn = { readyState: string; transport: Transport; once(ev: string, fn: () => void): void; off(ev: string, fn: () => void): void };

/**
 * Resolves once the transport has written what was emitted (so at most a page per socket waits in
 * memory), after yielding to the event loop so other tenants' work runs between pages. False when
 * the client did not take it within {@link FLUSH_WAIT_MS} or went away.
 */
async function flushed(socket: AppSocket): Promise<boolean> {
  const conn = socket.conn as unknown as Conn;
  const deadline = Date.now() + FLUSH_WAIT_MS;
  while (conn.readyState === 'open' && !conn.transport.writable) {
    const left = deadline - Date.now();
    if (left <= 0) return false;
    const transport = conn.transport;
    await new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        transport.off('drain', done);
        conn.off('close', done);
        conn.off('upgrade', done);
        resolve();
      };
      const timer = setTimeout(done, left);
      transport.once('drain', done);
      conn.once('close', done);
      conn.once('upgrade', done);
    });
  }
  await new Promise((resolve) => setImmediate(resolve));
  return conn.readyState === 'open';
}

function reaches(delivery: Delivery, socket: AppSocket): boolean {
  return viewerReceives(delivery, viewerOf(socket));
}
