import type { HttpApi, PolledEvent } from './http-api';

export interface UpdatesPollerOptions {
  api: HttpApi;
  /** The position to ask from: the client's lastSeq; null until it is known. */
  since: () => number | null;
  /** Finds the position when there is none yet. */
  resolveStart: () => Promise<void>;
  /** Each polled event, in order; the client re-emits its deliveries through the same path as socket events. */
  onEvent: (event: PolledEvent) => void;
  intervalMs: number;
  onError?: (err: unknown) => void;
  /** After each timed poll: whether it answered. */
  onResult?: (ok: boolean) => void;
}

/**
 * The polling fallback: while the socket cannot connect, ask
 * `GET /api/updates?since=` on a timer. A page that says `more` is followed at
 * once, so a long outage catches up without waiting a tick per page.
 */
export class UpdatesPoller {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private running = false;
  private inFlight: Promise<void> | undefined;

  constructor(private readonly opts: UpdatesPollerOptions) {}

  get active(): boolean {
    return this.running;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.schedule(0);
  }

  stop(): void {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** One poll now, whether or not the poller runs (used to catch up before it stops). */
  async pollOnce(): Promise<void> {
    this.inFlight ??= this.poll().finally(() => {
      this.inFlight = undefined;
    });
    return this.inFlight;
  }

  private schedule(ms: number): void {
    if (!this.running) return;
    this.timer = setTimeout(() => {
      this.pollOnce()
        .then(
          () => this.opts.onResult?.(true),
          (err: unknown) => {
            this.opts.onResult?.(false);
            this.opts.onError?.(err);
          },
        )
        .finally(() => this.schedule(this.opts.intervalMs));
    }, ms);
  }

  private async poll(): Promise<void> {
    if (this.opts.since() === null) await this.opts.resolveStart();
    for (let pages = 0; pages < 20; pages++) {
      const since = this.opts.since();
      if (since === null) return;
      const page = await this.opts.api.updates(since);
      for (const event of page.events) this.opts.onEvent(event);
      if (!page.more || page.events.length === 0) return;
    }
  }
}

/**
 * The event log's head as this caller sees it. A client that never connected
 * has no position, and polling from 0 would replay the tenant's history as
 * news, so it walks to the head first, quietly.
 */
export async function findLogHead(api: HttpApi): Promise<number> {
  let since = 0;
  for (let pages = 0; pages < 50; pages++) {
    const page = await api.updates(since, 1_000);
    since = Math.max(since, page.lastSeq);
    if (!page.more) break;
  }
  return since;
}
