import { RECONNECT_DELAYS_MS, reconnectDelay } from './backoff';

/** The next reconnect attempt: one timer, and how many attempts were scheduled since the last success. */
export class ReconnectSchedule {
  private timer: ReturnType<typeof setTimeout> | undefined;
  attempt = 0;

  constructor(
    private readonly delays: readonly number[] = RECONNECT_DELAYS_MS,
    private readonly jitter = 0.25,
  ) {}

  get pending(): boolean {
    return this.timer !== undefined;
  }

  /**
   * Runs `fn` after the next step's delay, or after `atLeastMs` (the server said when to come back)
   * plus up to half of it at random; returns when (epoch ms), or null if one is already scheduled.
   */
  schedule(fn: () => void, atLeastMs?: number): number | null {
    if (this.timer) return null;
    const delay =
      atLeastMs === undefined
        ? reconnectDelay(this.attempt, this.delays, this.jitter)
        : reconnectDelay(0, [atLeastMs], Math.max(this.jitter, 0.5));
    this.attempt++;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      fn();
    }, delay);
    return Date.now() + delay;
  }

  cancel(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** After a success, or when the user asks to try now. */
  reset(): void {
    this.cancel();
    this.attempt = 0;
  }
}
