import type { Db } from '../storage/db';
import { OutboxRepo } from '../storage/repos/outbox';
import type { Broadcaster } from './broadcaster';
import { OutboxTailer, type OutboxTailerOptions } from './outbox-tailer';

export interface LogFollower {
  tailer: OutboxTailer | null;
  stop(): Promise<void>;
}

/**
 * Where this node starts in the event log, and, in a cluster, the tailer that brings it the events
 * no relay did. Resolves after the tailer's first look, so replay can tell from the start which
 * unseen events will still arrive live.
 */
export async function followLog(db: Db, broadcaster: Broadcaster, clustered: boolean, tailing: OutboxTailerOptions): Promise<LogFollower> {
  const start = await new OutboxRepo(db).maxSeq();
  if (!clustered) {
    broadcaster.startAt(start);
    return { tailer: null, stop: async () => undefined };
  }
  const tailer = new OutboxTailer(db, broadcaster, tailing);
  broadcaster.startAt(start, (e) => tailer.covers(e));
  await tailer.start();
  return { tailer, stop: () => tailer.stop() };
}
