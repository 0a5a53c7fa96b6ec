import { performance } from 'node:perf_hooks';

export interface AdmissionOptions {
  /** Handshakes admitted and not yet through their session start; beyond it the next is told to come back. 0: no cap. */
  maxPending: number;
  /** Event-loop delay (the worst of the last second) above which handshakes are told to come back. 0: not checked. */
  maxLagMs: number;
  /** Sampling period of the event-loop delay. */
  sampleMs?: number;
  /**
   * The longest an admitted handshake should wait for the ones ahead of it, ms (default 5 s, a quarter
   * of socket.io-client's 20 s timeout): once the rate of completed handshakes is known, no more are
   * in flight than complete in that time. 0: only `maxPending` counts.
   */
  maxQueueMs?: number;
}

/** Never fewer in flight than this, however slow the node measured: a trickle still gets through. */
const MIN_PENDING = 8;
/** Per second: the peak rate halves in about 35 s without a busier second. */
const PEAK_DECAY = 0.98;

/**
 * The kernel's queue of connections not yet accepted, in front of the gate. Node's default (511)
 * overflows in a storm of 2,000 clients while the event loop is busy: the kernel then drops or
 * resets connections (seen as ECONNRESET and handshake timeouts in the reconnect-storm bench, and
 * in the ListenOverflows counter), which no `retryAfterMs` can answer. Held in the queue instead,
 * each reaches the gate and is admitted or told when to come back. Linux caps it at
 * net.core.somaxconn (4096 here).
 */
export const LISTEN_BACKLOG = 4096;

const WINDOW_MS = 1_000;
const MIN_RETRY_MS = 250;
const MAX_RETRY_MS = 10_000;

/**
 * Admission control for connection storms: a node accepts handshakes at the rate it serves them
 * and tells the rest when to come back (`RATE_LIMITED` with `retryAfterMs`), instead of letting
 * them queue until the client's handshake timeout. Two signals: handshakes in flight (admitted,
 * session not started yet) and the event loop's delay, the measure of everything else the node
 * is doing (a broadcast burst, replay, GC). The retry time is what the queue needs to drain at
 * the measured rate of completed handshakes; clients add their own jitter.
 */
export class AdmissionGate {
  private pending = 0;
  /** Worst loop delay per sample over the last second, newest last. */
  private readonly lags: number[] = [];
  private completedThisWindow = 0;
  /** Handshakes completed per second, smoothed. */
  private rate = 0;
  /**
   * The most handshakes completed in a second lately: what the node can do, where `rate` is only what
   * it was asked. A cap from `rate` would shrink after a quiet spell and then hold the next storm to a
   * trickle (measured: a reconnect storm four times slower than without the cap).
   */
  private peak = 0;
  private readonly sampler: NodeJS.Timeout | null;
  private readonly rater: NodeJS.Timeout;

  constructor(private readonly opts: AdmissionOptions) {
    const every = opts.sampleMs ?? 100;
    let expected = performance.now() + every;
    this.sampler =
      opts.maxLagMs > 0
        ? setInterval(() => {
            const now = performance.now();
            this.lags.push(Math.max(0, now - expected));
            if (this.lags.length > Math.ceil(WINDOW_MS / every)) this.lags.shift();
            expected = now + every;
          }, every)
        : null;
    this.sampler?.unref();
    this.rater = setInterval(() => {
      this.rate = this.rate === 0 ? this.completedThisWindow : 0.5 * this.rate + 0.5 * this.completedThisWindow;
      this.peak = Math.max(this.completedThisWindow, this.peak * PEAK_DECAY);
      this.completedThisWindow = 0;
    }, WINDOW_MS);
    this.rater.unref();
  }

  /** Worst event-loop delay of the last second, ms. */
  get lagMs(): number {
    return this.lags.length ? Math.max(...this.lags) : 0;
  }

  /** Admits one handshake (call {@link leave} when its session started or failed), or says when to come back. */
  tryEnter(): { admitted: true } | { admitted: false; retryAfterMs: number } {
    const full = this.opts.maxPending > 0 && this.pending >= this.cap();
    const lagging = this.opts.maxLagMs > 0 && this.lagMs > this.opts.maxLagMs;
    if (!full && !lagging) {
      this.pending++;
      return { admitted: true };
    }
    // What is queued drains at the measured rate; a stalled loop first has to catch up.
    const drainMs = ((this.pending + 1) / Math.max(this.rate, 10)) * 1_000;
    const retryAfterMs = Math.round(Math.min(MAX_RETRY_MS, Math.max(MIN_RETRY_MS, drainMs + (lagging ? this.lagMs : 0))));
    return { admitted: false, retryAfterMs };
  }

  /**
   * Handshakes allowed in flight now: `maxPending`, and, once the peak rate is measured, no more
   * than complete within `maxQueueMs` at that rate. Measured in the reconnect-storm bench: a fixed 256 in flight on a
   * node finishing ~10 first handshakes a second (PGlite inserts, n² announcements, a shared core)
   * left the last admitted waiting past the client's 20 s timeout: 267 of 2,000 timed out, told
   * nothing. Bounded by time, the rest are told to come back instead.
   */
  private cap(): number {
    const queueMs = this.opts.maxQueueMs ?? 5_000;
    if (queueMs <= 0 || this.peak === 0) return this.opts.maxPending;
    return Math.min(this.opts.maxPending, Math.max(MIN_PENDING, Math.floor((this.peak * queueMs) / 1_000)));
  }

  leave(): void {
    if (this.pending > 0) this.pending--;
    this.completedThisWindow++;
  }

  close(): void {
    if (this.sampler) clearInterval(this.sampler);
    clearInterval(this.rater);
  }
}
