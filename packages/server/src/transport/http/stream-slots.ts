import { AppError } from '../../errors';

/** What a refused client is told to wait: streams end when a tab closes, so a few seconds is a fair guess. */
const RETRY_AFTER_MS = 5_000;

/**
 * Open long-lived streams per user on this node, capped: each open SSE stream holds a socket, a
 * heartbeat timer and a subscription, so one user must not open hundreds.
 */
export class StreamSlots {
  private readonly open = new Map<string, number>();

  constructor(private readonly maxPerUser: number) {}

  /**
   * Takes a slot for `user`; the returned function gives it back (once, however often it is called).
   * @throws AppError RATE_LIMITED with `retryAfterMs` when the user has `maxPerUser` streams open.
   */
  take(user: string): () => void {
    const n = this.open.get(user) ?? 0;
    if (n >= this.maxPerUser) {
      throw new AppError('RATE_LIMITED', `At most ${this.maxPerUser} open streams per user`, {
        retryAfterMs: RETRY_AFTER_MS,
        limit: this.maxPerUser,
      });
    }
    this.open.set(user, n + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.open.get(user) ?? 1) - 1;
      if (left > 0) this.open.set(user, left);
      else this.open.delete(user);
    };
  }
}
