import type { LoggedEvent } from '../domain/domain-event';
import type { Db } from '../storage/db';

/**
 * A node's high-water mark of relayed events, written in one row (`relay_marks`) at most once a
 * second, whatever the message rate: the newest event this node handed to the relay, how many it
 * could not hand over, and when the last of those was written. Nothing reads it to decide anything
 * (the outbox tailer goes by time and carries what a relay lost); it tells operators whether a node
 * relays and since when it could not. It replaces stamping `published_at` on every event, which
 * cost one row update per event (docs/decisions.md, "The write pipeline").
 */
export class RelayMarks {
  private relayedThrough: string | null = null;
  private failures = 0;
  private lastFailureAt: string | null = null;
  private dirty = false;
  private readonly timer: NodeJS.Timeout;
  private writing: Promise<void> = Promise.resolve();
  private pruned = false;

  constructor(
    private readonly db: Db,
    private readonly nodeId: string,
    private readonly onError: (err: unknown) => void,
    everyMs = 1_000,
  ) {
    this.timer = setInterval(() => void this.flush(), everyMs);
    this.timer.unref();
  }

  relayed(e: LoggedEvent): void {
    if (this.relayedThrough === null || e.createdAt > this.relayedThrough) this.relayedThrough = e.createdAt;
    this.dirty = true;
  }

  failed(e: LoggedEvent): void {
    this.failures++;
    if (this.lastFailureAt === null || e.createdAt > this.lastFailureAt) this.lastFailureAt = e.createdAt;
    this.dirty = true;
  }

  flush(): Promise<void> {
    if (!this.dirty) return this.writing;
    this.dirty = false;
    const row = [this.nodeId, this.relayedThrough, this.failures, this.lastFailureAt];
    const prune = !this.pruned;
    this.pruned = true;
    this.writing = this.writing.then(async () => {
      try {
        // Node ids are per process: rows of processes gone for a day are dropped once per start.
        if (prune) await this.db.query("DELETE FROM relay_marks WHERE updated_at < now() - interval '1 day'");
        await this.db.query(
          `INSERT INTO relay_marks (node_id, relayed_through, relay_failures, last_failure_at, updated_at)
           VALUES ($1, $2, $3, $4, now())
           ON CONFLICT (node_id) DO UPDATE SET relayed_through = EXCLUDED.relayed_through, relay_failures = EXCLUDED.relay_failures,
             last_failure_at = EXCLUDED.last_failure_at, updated_at = now()`,
          row,
        );
      } catch (err) {
        this.onError(err);
      }
    });
    return this.writing;
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }
}
