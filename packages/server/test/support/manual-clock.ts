import type { Clock, ClockTimer } from '../../src/clock';

interface Pending {
  at: number;
  fn: () => void;
  /** An interval's period; null for a timeout. */
  every: number | null;
  order: number;
}

/**
 * A {@link Clock} that moves only when a test moves it, for the deadlines a server takes from its
 * `clock` (token lifetime, typing, SLA), while socket.io, the database and Redis run on real time:
 * `vi.useFakeTimers()` would fake their timers too and freeze them.
 *
 * @example
 * const clock = new ManualClock();
 * const sb = await buildServer(config, { clock });
 * await clock.advanceTo(expiresAt - 1); // nothing due yet has run
 */
export class ManualClock implements Clock {
  private at: number;
  private order = 0;
  private readonly pending = new Map<ClockTimer, Pending>();

  /** Starts at the real time, so times written by the database (a ticket's creation) line up with it. */
  constructor(start = Date.now()) {
    this.at = start;
  }

  now(): number {
    return this.at;
  }

  setTimeout(fn: () => void, ms: number): ClockTimer {
    return this.add(fn, ms, null);
  }

  setInterval(fn: () => void, ms: number): ClockTimer {
    return this.add(fn, ms, Math.max(1, ms));
  }

  clearTimeout(timer: ClockTimer | null | undefined): void {
    if (timer) this.pending.delete(timer);
  }

  /**
   * Whether a timer is set to go off at exactly `at`: how a test knows the server has planned a wake
   * (an SLA scheduler's next look) before it moves the clock past it, with no window to guess.
   */
  hasTimerAt(at: number): boolean {
    for (const p of this.pending.values()) if (p.at === at) return true;
    return false;
  }

  /** {@link advanceTo} `now() + ms`. */
  advance(ms: number): Promise<void> {
    return this.advanceTo(this.at + ms);
  }

  /**
   * Moves the time to `to`, running each timer that comes due on the way at its own time, earliest
   * first; after each instant's timers, one turn of the real event loop lets what they started in
   * memory settle (a sweep of in-memory timers). Timers due at the same instant run one after the
   * other with the microtasks the one before queued in between, as real timers due together run in
   * one turn: a server's two typing sweeps share every instant, and a turn each made hours of clock
   * twice as dear (docs/decisions.md, "Suite wall time, third pass"). Work that waits on I/O (a
   * database query) finishes later, on real time: wait for its event.
   */
  async advanceTo(to: number): Promise<void> {
    for (;;) {
      const next = this.earliest(to);
      if (!next) break;
      const [timer, p] = next;
      this.at = Math.max(this.at, p.at);
      if (p.every === null) this.pending.delete(timer);
      else p.at += p.every;
      p.fn();
      const following = this.earliest(to);
      if (following && following[1].at <= this.at) await new Promise<void>((resolve) => queueMicrotask(resolve));
      else await new Promise((resolve) => setImmediate(resolve));
    }
    this.at = Math.max(this.at, to);
  }

  private earliest(to: number): [ClockTimer, Pending] | null {
    let best: [ClockTimer, Pending] | null = null;
    for (const entry of this.pending) {
      const p = entry[1];
      if (p.at > to) continue;
      if (!best || p.at < best[1].at || (p.at === best[1].at && p.order < best[1].order)) best = entry;
    }
    return best;
  }

  private add(fn: () => void, ms: number, every: number | null): ClockTimer {
    const timer = {};
    const p: Pending = { at: this.at + Math.max(0, ms), fn, every, order: ++this.order };
    this.pending.set(timer, p);
    // Due already: it needs no time to pass, so it runs on the next turn of the event loop, as a real zero-delay timer does.
    if (ms <= 0 && every === null) {
      setImmediate(() => {
        if (this.pending.get(timer) !== p) return;
        this.pending.delete(timer);
        fn();
      });
    }
    return timer;
  }
}
