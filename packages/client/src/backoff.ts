/** Reconnect after 1 s, 2 s, then every 5 s: quick after a blip, then a steady pace a server can bear. */
export const RECONNECT_DELAYS_MS: readonly number[] = [1_000, 2_000, 5_000];
/** A send is retried after 100, 200 and 400 ms before it waits for the connection. */
export const SEND_RETRY_DELAYS_MS: readonly number[] = [100, 200, 400];

/**
 * The wait before reconnect attempt `attempt` (0-based): the schedule's step,
 * the last one repeating, plus up to `jitter` of it at random so that a
 * thousand dashboards dropped by one restart do not all come back on the same tick.
 *
 * @example
 * reconnectDelay(0)                  // 1000..1250
 * reconnectDelay(7, [1000], 0)       // 1000
 */
export function reconnectDelay(
  attempt: number,
  delays: readonly number[] = RECONNECT_DELAYS_MS,
  jitter = 0.25,
  random: () => number = Math.random,
): number {
  const base = delays[Math.min(Math.max(attempt, 0), delays.length - 1)] ?? 1_000;
  return Math.round(base + base * jitter * random());
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
