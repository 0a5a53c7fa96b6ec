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

  /** Runs `fn` after the next step's delay; returns when (epoch ms), or null if one is already scheduled. */
  schedule(fn: () => void): number | null {
    if (this.timer) return null;
    const delay = reconnectDelay(this.attempt, this.delays, this.jitter);
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
