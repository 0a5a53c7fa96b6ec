import { AppError } from '../errors';
import { type GcraCharge, type GcraStore, MemoryGcraStore } from './gcra-store';

/**
 * Who is charged. A socket is a subject as it is (`id`, `data.accountId`, `data.userId`); an HTTP
 * call has no connection id, only its user and tenant; a socket that has not authenticated yet has
 * only its id.
 */
export interface RateLimitSubject {
  id?: string;
  data: { accountId?: string; userId?: string };
}

export type RateLimitScope = 'socket' | 'user' | 'tenant';

/**
 * Charges what a client does against its budgets: one per socket, one per user (across its sockets
 * and HTTP calls) and one per tenant (a ceiling over all its users), whatever the event. Costs are
 * in points, a message send being 1 (transport/write-costs.ts). Throws RATE_LIMITED, with
 * `retryAfterMs`, when any of the three is short; then nothing is charged.
 *
 * @example
 * await limiter.consume(socket, eventCost('send_message')); // 1 point
 * await limiter.consume({ data: { accountId, userId } }, 4); // e.g. a replay page, by its cost
 */
export interface RateLimiter {
  consume(subject: RateLimitSubject, cost: number): Promise<void>;
}

export interface RateLimitOptions {
  /** Points a socket earns per window; a user earns three times that. */
  points: number;
  windowSeconds: number;
  /** Points a tenant earns per window, over all its users, sockets and HTTP calls. */
  tenantPoints: number;
  /** A full budget holds this many seconds of its rate: what may be spent at once (default 2). */
  burstSeconds?: number;
}

/** A user may have a few tabs open; opening more does not multiply its allowance beyond this. */
export const USER_SHARE = 3;

/**
 * A smooth limiter (GCRA, see gcra-store.ts): a budget refills continuously, so a client gets its
 * rate spread over time, never a whole window's worth in one burst. The store is this node's memory,
 * Redis, or the primary's memory (cluster-kit.ts).
 */
export function createRateLimiter(opts: RateLimitOptions, store: GcraStore = new MemoryGcraStore()): RateLimiter {
  const burstSeconds = opts.burstSeconds ?? 2;
  const budget = (points: number) => {
    const perSecond = points / opts.windowSeconds;
    return { points, intervalMs: 1_000 / perSecond, burst: Math.max(1, perSecond * burstSeconds) };
  };
  const budgets: Record<RateLimitScope, ReturnType<typeof budget>> = {
    socket: budget(opts.points),
    user: budget(opts.points * USER_SHARE),
    tenant: budget(opts.tenantPoints),
  };
  return {
    async consume(subject, cost) {
      if (!(cost > 0)) return;
      const scopes: RateLimitScope[] = [];
      const charges: GcraCharge[] = [];
      const charge = (scope: RateLimitScope, key: string) => {
        scopes.push(scope);
        charges.push({ key, intervalMs: budgets[scope].intervalMs, burst: budgets[scope].burst, cost });
      };
      const { accountId, userId } = subject.data;
      if (subject.id) charge('socket', `s:${subject.id}`);
      if (accountId && userId) charge('user', `u:${accountId}:${userId}`);
      if (accountId) charge('tenant', `t:${accountId}`);
      if (!charges.length) return;
      const verdict = await store.take(charges);
      if (verdict.ok) return;
      const scope = scopes[verdict.index]!;
      throw new AppError(
        'RATE_LIMITED',
        scope === 'tenant' ? 'Your organisation is sending too much; slow down' : 'Too many events; slow down',
        {
          retryAfterMs: verdict.retryAfterMs,
          scope,
          limit: budgets[scope].points,
          windowSeconds: opts.windowSeconds,
        },
      );
    },
  };
}

/** One budget of `points` per `key` per window: throws RATE_LIMITED with retryAfterMs past it. */
export type KeyedLimiter = (key: string) => Promise<void>;

/**
 * A named budget on the same GCRA store as {@link createRateLimiter} (memory, or Redis across
 * nodes), for callers that are not a socket or a user (an IP address, a widget key). The whole
 * window's points may be spent at once, then they come back smoothly.
 */
export function createKeyedLimiter(
  keyPrefix: string,
  opts: { points: number; windowSeconds: number },
  store: GcraStore = new MemoryGcraStore(),
): KeyedLimiter {
  const intervalMs = (opts.windowSeconds * 1000) / opts.points;
  return async (key) => {
    const verdict = await store.take([{ key: `${keyPrefix}:${key}`, intervalMs, burst: opts.points, cost: 1 }]);
    if (!verdict.ok) {
      throw new AppError('RATE_LIMITED', 'Too many requests; slow down', {
        retryAfterMs: verdict.retryAfterMs,
        limit: opts.points,
        windowSeconds: opts.windowSeconds,
      });
    }
  };
}
