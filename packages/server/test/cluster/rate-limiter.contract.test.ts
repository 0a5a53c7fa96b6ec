import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RateLimiterMemory, RateLimiterRedis } from 'rate-limiter-flexible';
import { createRateLimiter, type RateLimiter } from '../../src/cluster/rate-limiter';
import { createReplayBudget, type ReplayBudget } from '../../src/cluster/replay-budget';
import type { RedisClient } from '../../src/cluster/redis-connection';
import { AppError } from '../../src/errors';
import { dropRedisPrefix, openTestRedis, redisAvailable, uniqueRedisPrefix } from '../support/redis';

let redis: RedisClient | undefined;
const prefix = uniqueRedisPrefix('ratelimit');
beforeAll(async () => {
  if (redisAvailable) redis = await openTestRedis();
});
afterAll(async () => {
  if (redis) await dropRedisPrefix(redis, prefix);
});

const opts = { points: 3, windowSeconds: 1 };
let suite = 0;
/** Two limiters over one state, as two nodes would have (memory: one limiter, since memory is per node). */
const impls: Array<{ name: string; skip: boolean; nodes(): [RateLimiter, RateLimiter] }> = [
  {
    name: 'memory',
    skip: false,
    nodes: () => {
      const one = createRateLimiter(opts);
      return [one, one];
    },
  },
  {
    name: 'redis',
    skip: !redisAvailable,
    nodes: () => {
      const p = `${prefix}:${++suite}`;
      const store = (o: { keyPrefix: string; points: number; duration: number }) =>
        new RateLimiterRedis({ ...o, keyPrefix: `${p}:${o.keyPrefix}`, storeClient: redis, useRedisPackage: true, rejectIfRedisNotReady: true, insuranceLimiter: new RateLimiterMemory(o) });
      return [createRateLimiter(opts, store), createRateLimiter(opts, store)];
    },
  },
];

const subject = (socket: string, userId = 'u1') => ({ id: socket, data: { accountId: 'acct', userId } });
const refusal = (p: Promise<void>) => p.then(() => null, (err: unknown) => err);

for (const impl of impls) {
  describe.skipIf(impl.skip)(`rate limiter [${impl.name}]`, () => {
    it('answers RATE_LIMITED with a retry time once a socket sends one event too often, across nodes', async () => {
      const [a, b] = impl.nodes();
      await a.consume(subject('s1'), 'send_message');
      await b.consume(subject('s1'), 'send_message');
      await a.consume(subject('s1'), 'send_message');
      const err = await refusal(b.consume(subject('s1'), 'send_message'));
      expect(err).toBeInstanceOf(AppError);
      expect((err as AppError).code).toBe('RATE_LIMITED');
      expect((err as AppError).details?.retryAfterMs).toBeGreaterThan(0);
      // Another event name has its own bucket.
      await a.consume(subject('s1'), 'typing_start');
    });

    it("limits a user across its sockets to three sockets' worth", async () => {
      const [a, b] = impl.nodes();
      for (let s = 0; s < 3; s++) for (let i = 0; i < 3; i++) await (i % 2 ? a : b).consume(subject(`t${s}`, 'u2'), 'sync');
      expect(((await refusal(a.consume(subject('t9', 'u2'), 'sync'))) as AppError).code).toBe('RATE_LIMITED');
    });

    it('lets the socket go on once the window has passed', async () => {
      const [a] = impl.nodes();
      for (let i = 0; i < 3; i++) await a.consume(subject('w1', 'u3'), 'x');
      expect(await refusal(a.consume(subject('w1', 'u3'), 'x'))).not.toBeNull();
      await new Promise((r) => setTimeout(r, 1_100));
      expect(await refusal(a.consume(subject('w1', 'u3'), 'x'))).toBeNull();
    });
  });
}

/** The replay budget (cluster/replay-budget.ts) rides the same stores: two budgets over one state, as two nodes. */
const budgetOpts = { events: 100, windowSeconds: 1 };
const budgets: Array<{ name: string; skip: boolean; nodes(): [ReplayBudget, ReplayBudget] }> = [
  {
    name: 'memory',
    skip: false,
    nodes: () => {
      const one = createReplayBudget(budgetOpts);
      return [one, one];
    },
  },
  {
    name: 'redis',
    skip: !redisAvailable,
    nodes: () => {
      const p = `${prefix}:budget:${++suite}`;
      const store = (o: { keyPrefix: string; points: number; duration: number }) =>
        new RateLimiterRedis({ ...o, keyPrefix: `${p}:${o.keyPrefix}`, storeClient: redis, useRedisPackage: true, rejectIfRedisNotReady: true });
      return [createReplayBudget(budgetOpts, store), createReplayBudget(budgetOpts, store)];
    },
  },
];

for (const impl of budgets) {
  describe.skipIf(impl.skip)(`replay budget [${impl.name}]`, () => {
    it('charges by events, not by calls: the whole budget in one call passes, one event more is RATE_LIMITED with retryAfterMs', async () => {
      const [a, b] = impl.nodes();
      await a.consume(subject('s1'), 100);
      const err = (await refusal(b.consume(subject('s1'), 1))) as AppError;
      expect(err).toBeInstanceOf(AppError);
      expect(err.code).toBe('RATE_LIMITED');
      expect(err.details?.retryAfterMs).toBeGreaterThan(0);
    });

    it('gives back what a page did not read', async () => {
      const [a, b] = impl.nodes();
      await a.consume(subject('s2'), 100);
      await a.refund(subject('s2'), 40);
      await b.consume(subject('s2'), 40);
      expect(((await refusal(b.consume(subject('s2'), 1))) as AppError).code).toBe('RATE_LIMITED');
    });

    it("limits a user across its sockets to two sockets' worth, and a user's refusal costs the socket nothing", async () => {
      const [a, b] = impl.nodes();
      await a.consume(subject('t1', 'u2'), 100);
      await b.consume(subject('t2', 'u2'), 100);
      expect(((await refusal(a.consume(subject('t3', 'u2'), 10))) as AppError).code).toBe('RATE_LIMITED');
      await a.consume(subject('t3', 'u3'), 100);
    });
  });
}
