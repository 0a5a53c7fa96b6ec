import type { LoggedEvent } from '../domain/domain-event';
import { fromLogRow } from '../domain/event-log';
import type { Db } from '../storage/db';
import { OutboxRepo } from '../storage/repos/outbox';
import type { Broadcaster } from './broadcaster';

export interface OutboxTailerOptions {
  /** Pause between two looks at the log. */
  pollMs: number;
  /** Events younger than this are left to the relay, which is faster when it works. */
  minAgeMs: number;
  /** How long after it is written an event is still looked for. Bounds the commit of an appended event. */
  horizonMs: number;
  /** After a stall (database away), how far back a look reaches at most. */
  maxLagMs?: number;
  onError: (err: unknown) => void;
  /** Called with the number of events the look found that no relay had brought. */
  onRescued?: (count: number) => void;
}

/**
 * Every node of a cluster reads the events written in the last seconds, by any node, and emits
 * those it has not emitted yet: what the node that committed them could not relay (it was killed
 * between commit and relay) or what the relay lost (Redis away). With it a broadcast does not
 * depend on the committing node, nor on Redis; the relay only makes it faster.
 *
 * The window is reckoned on the database's clock, and each look starts where the previous one's
 * promise ended ({@link covers}), so a look that comes late never leaves a gap; never by seq, because
 * across accounts a lower seq can commit after a higher one.
 */
export class OutboxTailer {
  /** Events written after this will still be looked for (the database's clock). */
  private from: Date | null = null;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private stopped = false;

  constructor(
    private readonly db: Db,
    private readonly broadcaster: Broadcaster,
    private readonly opts: OutboxTailerOptions,
  ) {}

  /** Looks once (so {@link covers} holds from the start), then keeps looking. */
  async start(): Promise<void> {
    await this.look();
    this.schedule();
  }

  /**
   * Whether a future look will still find `e` if it is not emitted here by then: replay leaves such
   * events to live delivery. The 1 ms spares createdAt's truncation to milliseconds; erring this way
   * can only send an event twice, never lose it.
   */
  covers(e: LoggedEvent): boolean {
    return this.from !== null && Date.parse(e.createdAt) > this.from.getTime() + 1;
  }

  /** One look; returns how many events it emitted. Public for tests. */
  async look(): Promise<number> {
    const repo = new OutboxRepo(this.db);
    const span = this.from ? (this.opts.maxLagMs ?? 60_000) : this.opts.horizonMs;
    const { now, seqs } = await repo.recentSeqs(this.from, span, this.opts.minAgeMs);
    const missing = seqs.filter((seq) => !this.broadcaster.ledger.has(seq));
    let rescued = 0;
    if (missing.length > 0) {
      for (const row of await repo.bySeqs(missing)) {
        if (this.broadcaster.ledger.has(row.seq)) continue;
        this.broadcaster.receive(fromLogRow(row));
        rescued++;
      }
    }
    const next = new Date(now.getTime() - this.opts.horizonMs);
    if (!this.from || next > this.from) this.from = next;
    if (rescued > 0) this.opts.onRescued?.(rescued);
    return rescued;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.look()
        .then(() => undefined, this.opts.onError)
        .finally(() => {
          this.running = null;
          this.schedule();
        });
    }, this.opts.pollMs);
    this.timer.unref();
  }
}
