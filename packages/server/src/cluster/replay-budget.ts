import { RateLimiterMemory, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { AppError } from '../errors';
import type { RateLimitSubject } from './rate-limiter';

/**
 * What replay may cost one socket and its user: points are events read from the log, so a replay
 * is paid for by its size, not by the count of `sync` calls. Apart from the per-event limiter
 * (cluster/rate-limiter.ts), which still counts each `sync` as one event.
 */
export interface ReplayBudget {
  /** Takes `events` points from the socket's and its user's budget; RATE_LIMITED with `retryAfterMs` when short. */
  consume(subject: RateLimitSubject, events: number): Promise<void>;
  /** Gives back what a page asked for and did not read. */
  refund(subject: RateLimitSubject, events: number): Promise<void>;
}

export interface ReplayBudgetOptions {
  /** Events per socket per window; a user gets twice that across its sockets. */
  events: number;
  windowSeconds: number;
}

export function createReplayBudget(
  opts: ReplayBudgetOptions,
  makeStore: (o: { keyPrefix: string; points: number; duration: number }) => RateLimiterAbstract = (o) => new RateLimiterMemory(o),
): ReplayBudget {
  const perSocket = makeStore({ keyPrefix: 'rl:replay:socket', points: opts.events, duration: opts.windowSeconds });
  const perUser = makeStore({ keyPrefix: 'rl:replay:user', points: opts.events * 2, duration: opts.windowSeconds });
  const userKey = (s: RateLimitSubject) => `${s.data.accountId}:${s.data.userId}`;
  return {
    async consume(subject, events) {
      if (events <= 0) return;
      let refused = await take(perSocket, subject.id, events);
      if (!refused) {
        refused = await take(perUser, userKey(subject), events);
        if (refused) await perSocket.reward(subject.id, events);
      }
      if (refused) {
        const details = { retryAfterMs: refused.msBeforeNext, limit: opts.events, windowSeconds: opts.windowSeconds };
        throw new AppError('RATE_LIMITED', 'Replay budget spent; continue later', details);
      }
    },
    async refund(subject, events) {
      if (events <= 0) return;
      await perSocket.reward(subject.id, events);
      await perUser.reward(userKey(subject), events);
    },
  };
}

/** Takes points, or says why not (the limiter's answer); other failures (the store) propagate. */
async function take(limiter: RateLimiterAbstract, key: string, points: number): Promise<RateLimiterRes | null> {
  try {
    await limiter.consume(key, points);
    return null;
  } catch (res) {
    if (res instanceof RateLimiterRes) return res;
    throw res;
  }
}
