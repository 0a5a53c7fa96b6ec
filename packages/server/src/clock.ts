/** A timer a {@link Clock} handed out; only good for passing back to the same clock's `clearTimeout`. */
export type ClockTimer = object;

/**
 * The time the token, typing and SLA deadlines follow, and the timers that wake them. Injected
 * (buildServer's `clock`) so a test can move those deadlines alone while socket.io, the database
 * and Redis keep running on real time, which a global fake timer would freeze.
 *
 * Timers never keep the process alive (as `setTimeout(...).unref()`): every deadline here is a
 * courtesy to a live connection or a persisted row that a restart picks up again.
 */
export interface Clock {
  /** Milliseconds since the epoch, as `Date.now()`. */
  now(): number;
  setTimeout(fn: () => void, ms: number): ClockTimer;
  setInterval(fn: () => void, ms: number): ClockTimer;
  /** Clears a timeout or an interval (as in Node, one pool for both). */
  clearTimeout(timer: ClockTimer | null | undefined): void;
}

/**
 * The real clock. It looks the globals up at each call, so `vi.useFakeTimers()` drives it in a
 * test that has no sockets or database to freeze.
 */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms).unref(),
  setInterval: (fn, ms) => setInterval(fn, ms).unref(),
  clearTimeout: (timer) => clearTimeout(timer as NodeJS.Timeout | undefined),
};
