import { RateLimiterMemory, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { AppError } from '../errors';

export interface RateLimitSubject {
  id: string;
  data: { accountId: string; userId: string };
}

/** Throws RATE_LIMITED, with when to retry, once a socket or a user sends an event too often. */
export interface RateLimiter {
  consume(subject: RateLimitSubject, event: string): Promise<void>;
}

export interface RateLimitOptions {
  /** Events of one name per socket per window; a user gets three times that across its sockets. */
  points: number;
  windowSeconds: number;
}

/**
 * Two buckets per event name: one per socket, so one tab cannot flood, and one
 * per user, so opening tabs does not multiply the allowance. The store is
 * rate-limiter-flexible's memory store here, and its Redis store across nodes.
 */
export function createRateLimiter(
  opts: RateLimitOptions,
  makeStore: (o: { keyPrefix: string; points: number; duration: number }) => RateLimiterAbstract = (o) =>
    new RateLimiterMemory(o),
): RateLimiter {
  const perSocket = makeStore({ keyPrefix: 'rl:socket', points: opts.points, duration: opts.windowSeconds });
  const perUser = makeStore({ keyPrefix: 'rl:user', points: opts.points * 3, duration: opts.windowSeconds });
  return {
    async consume(subject, event) {
      try {
        await perSocket.consume(`${subject.id}:${event}`);
        await perUser.consume(`${subject.data.accountId}:${subject.data.userId}:${event}`);
      } catch (res) {
        if (res instanceof RateLimiterRes) {
          throw new AppError('RATE_LIMITED', 'Too many events; slow down', {
            retryAfterMs: res.msBeforeNext,
            limit: opts.points,
            windowSeconds: opts.windowSeconds,
          });
        }
        throw res;
      }
    },
  };
}

/** One bucket of `points` per `key` per window: throws RATE_LIMITED with retryAfterMs past it. */
export type KeyedLimiter = (key: string) => Promise<void>;

/** A named bucket on the same stores as {@link createRateLimiter} (memory, or Redis across nodes). */
export function createKeyedLimiter(
  keyPrefix: string,
  opts: RateLimitOptions,
  makeStore: (o: { keyPrefix: string; points: number; duration: number }) => RateLimiterAbstract = (o) => new RateLimiterMemory(o),
): KeyedLimiter {
  const store = makeStore({ keyPrefix, points: opts.points, duration: opts.windowSeconds });
  return async (key) => {
    try {
      await store.consume(key);
    } catch (res) {
      if (res instanceof RateLimiterRes) {
        throw new AppError('RATE_LIMITED', 'Too many requests; slow down', { retryAfterMs: res.msBeforeNext, limit: opts.points, windowSeconds: opts.windowSeconds });
      }
      throw res;
    }
  };
}
