import type { Db } from '../storage/db';
import { EventLogRepo } from '../storage/repos/event-log';

/**
 * Stamps `published_at` on the events this node relayed, once a second in one UPDATE. Nothing reads
 * it to decide anything (the outbox tailer goes by time); it is for operators: in a cluster, an event
 * still unstamped a minute after it was written is one whose node could not relay it (killed after
 * the commit, or Redis away), which the tailers then carried. It also keeps the partial index of
 * unpublished events small.
 */
export class PublishMarks {
  private batch: number[] = [];
  private readonly timer: NodeJS.Timeout;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly db: Db,
    private readonly onError: (err: unknown) => void,
    everyMs = 1_000,
  ) {
    this.timer = setInterval(() => void this.flush(), everyMs);
    this.timer.unref();
  }

  add(seq: number): void {
    this.batch.push(seq);
  }

  flush(): Promise<void> {
    if (this.batch.length === 0) return this.flushing;
    const seqs = this.batch;
    this.batch = [];
    this.flushing = this.flushing.then(() => new EventLogRepo(this.db).markPublished(seqs).then(() => undefined, this.onError));
    return this.flushing;
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }
}
