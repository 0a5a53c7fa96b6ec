import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type GcraStore, MemoryGcraStore, withLocalFallback } from '../../src/cluster/gcra-store';
import { createRateLimiter, type RateLimiter, type RateLimitOptions } from '../../src/cluster/rate-limiter';
import type { RedisClient } from '../../src/cluster/redis-connection';
import { RedisGcraStore } from '../../src/cluster/redis-gcra-store';
import { createReplayBudget, type ReplayBudget } from '../../src/cluster/replay-budget';
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

// A socket earns 1 point/s and may spend 3 at once; a user 3x that; tenants are out of the way but in the tenant test.
// Slow rates, so that a loaded machine's slow Redis round trips do not refill a budget within a test.
const opts: RateLimitOptions = { points: 10, windowSeconds: 10, tenantPoints: 1_000, burstSeconds: 3 };
let suite = 0;
/** Two stores over one state, as two nodes would have (memory: one store, since memory is per node). */
const impls: Array<{ name: string; skip: boolean; stores(): [GcraStore, GcraStore] }> = [
  {
    name: 'memory',
    skip: false,
    stores: () => {
      const one = new MemoryGcraStore();
      return [one, one];
    },
  },
  {
    name: 'redis',
    skip: !redisAvailable,
    stores: () => {
      const p = `${prefix}:${++suite}`;
      return [new RedisGcraStore(redis!, p), new RedisGcraStore(redis!, p)];
    },
  },
];

let ids = 0;
/** A fresh tenant per test, so budgets never carry over. */
const tenant = () => `acct-${++ids}`;
const subject = (accountId: string, socket: string | undefined, userId = 'u1') => ({ id: socket, data: { accountId, userId } });
const refusal = (p: Promise<void>) =>
  p.then(
    () => null,
    (err: unknown) => err as AppError,
  );
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

for (const impl of impls) {
  describe.skipIf(impl.skip)(`rate limiter [${impl.name}]`, () => {
    const nodes = (o = opts): [RateLimiter, RateLimiter] => {
      const [a, b] = impl.stores();
      return [createRateLimiter(o, a), createRateLimiter(o, b)];
    };

    it('spends one budget per socket whatever the event, across nodes, and says when to retry', async () => {
      const [a, b] = nodes();
      const acct = tenant();
      await a.consume(subject(acct, 's1'), 1);
      await b.consume(subject(acct, 's1'), 1);
      await a.consume(subject(acct, 's1'), 1);
      // Cheaper events of another kind draw on the same, empty budget (a few, in case a slow machine refilled some).
      const errs = await Promise.all(Array.from({ length: 4 }, () => refusal(b.consume(subject(acct, 's1'), 0.25))));
      const err = errs.find((e) => e !== null) ?? null;
      expect(err).toBeInstanceOf(AppError);
      expect(err?.code).toBe('RATE_LIMITED');
      expect(err?.details).toMatchObject({ scope: 'socket', limit: 10, windowSeconds: 10 });
      expect(err?.details?.retryAfterMs).toBeGreaterThan(0);
      expect(err?.details?.retryAfterMs).toBeLessThanOrEqual(1_000);
      // Another socket of another user has its own budget.
      await a.consume(subject(acct, 's2', 'u2'), 1);
    });

    it('refills smoothly: after the wait it names, one more event passes, not a new burst', async () => {
      const [a] = nodes();
      const acct = tenant();
      for (let i = 0; i < 3; i++) await a.consume(subject(acct, 'w1'), 1);
      const err = await refusal(a.consume(subject(acct, 'w1'), 1));
      // About time: the refill the limiter asked for.
      await sleep(err!.details!.retryAfterMs as number);
      expect(await refusal(a.consume(subject(acct, 'w1'), 1))).toBeNull();
      expect((await refusal(a.consume(subject(acct, 'w1'), 1)))?.code).toBe('RATE_LIMITED');
    });

    it("limits a user across its sockets to three sockets' worth", async () => {
      const [a, b] = nodes();
      const acct = tenant();
      // The user's burst is 9 points; 14 sockets of one point each, at once, over two nodes.
      const errs = await Promise.all(Array.from({ length: 14 }, (_, i) => refusal((i % 2 ? a : b).consume(subject(acct, `t${i}`), 1))));
      const refused = errs.filter((e) => e !== null);
      expect(refused.length).toBeGreaterThanOrEqual(1);
      for (const e of refused) expect(e?.details?.scope).toBe('user');
    });

    it('holds a tenant under its ceiling across users, and a refusal charges no budget', async () => {
      // A tenant earning 1 point/s, 3 at once.
      const [a, b] = nodes({ ...opts, tenantPoints: 10 });
      const acct = tenant();
      for (let u = 0; u < 3; u++) await (u % 2 ? a : b).consume(subject(acct, `c${u}`, `user${u}`), 1);
      const err = await refusal(a.consume(subject(acct, 'c9', 'user9'), 3));
      expect(err?.details).toMatchObject({ scope: 'tenant', limit: 10 });
      // Another tenant is untouched, and socket c9 kept its whole burst: the refused event charged nothing.
      await b.consume(subject(tenant(), 'c9', 'user9'), 3);
    });

    it('charges a cost above the burst as a full budget, and an HTTP call (no socket) to the user and tenant', async () => {
      const [a] = nodes();
      const acct = tenant();
      await a.consume(subject(acct, 'big'), 50);
      const after = await Promise.all(Array.from({ length: 3 }, () => refusal(a.consume(subject(acct, 'big'), 0.5))));
      expect(after.filter((e) => e !== null).map((e) => e?.details?.scope)).toContain('socket');
      const other = tenant();
      const errs = await Promise.all(Array.from({ length: 14 }, () => refusal(a.consume(subject(other, undefined, 'http-user'), 1))));
      expect(errs.filter((e) => e !== null).map((e) => e?.details?.scope)).toContain('user');
    });
  });
}

describe('rate limit store fallback', () => {
  it('limits on this node alone while the shared store fails, and reports the failure', async () => {
    const failures: unknown[] = [];
    const broken: GcraStore = { take: () => Promise.reject(new Error('redis is away')) };
    const limiter = createRateLimiter(
      opts,
      withLocalFallback(broken, (err) => failures.push(err)),
    );
    for (let i = 0; i < 3; i++) await limiter.consume(subject('acct-f', 'f1'), 1);
    expect((await refusal(limiter.consume(subject('acct-f', 'f1'), 1)))?.code).toBe('RATE_LIMITED');
    expect(failures).toHaveLength(4);
  });

  it('forgets budgets that are full again', async () => {
    let now = 1_000_000;
    const store = new MemoryGcraStore(() => now);
    const limiter = createRateLimiter(opts, store);
    await limiter.consume(subject('acct-g', 'g1'), 1);
    expect(store.size).toBe(3);
    now += 60_000;
    await limiter.consume(subject('acct-g2', 'g2'), 1);
    expect(store.size).toBe(3);
  });
});

/** The replay budget (cluster/replay-budget.ts) rides the same stores: two budgets over one state, as two nodes. */
// A minute's window: 0.6 s refills one event, so no pause between two calls (a GC, a busy machine) refills the event
// that should be refused; with 1 s it took 10 ms. No test here waits for a refill.
const budgetOpts = { events: 100, windowSeconds: 60 };
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
      return [createReplayBudget(budgetOpts, new RedisGcraStore(redis!, p)), createReplayBudget(budgetOpts, new RedisGcraStore(redis!, p))];
    },
  },
];

for (const impl of budgets) {
  describe.skipIf(impl.skip)(`replay budget [${impl.name}]`, () => {
    it('charges by events, not by calls: the whole budget in one call passes, one event more is RATE_LIMITED with retryAfterMs', async () => {
      const [a, b] = impl.nodes();
      await a.consume(subject('acct-replay', 's1'), 100);
      const err = (await refusal(b.consume(subject('acct-replay', 's1'), 1))) as AppError;
      expect(err).toBeInstanceOf(AppError);
      expect(err.code).toBe('RATE_LIMITED');
      expect(err.details?.retryAfterMs).toBeGreaterThan(0);
    });

    it('gives back what a page did not read', async () => {
      const [a, b] = impl.nodes();
      await a.consume(subject('acct-replay', 's2'), 100);
      await a.refund(subject('acct-replay', 's2'), 40);
      await b.consume(subject('acct-replay', 's2'), 40);
      expect(((await refusal(b.consume(subject('acct-replay', 's2'), 1))) as AppError).code).toBe('RATE_LIMITED');
    });

    it("limits a user across its sockets to two sockets' worth, and a user's refusal costs the socket nothing", async () => {
      const [a, b] = impl.nodes();
      await a.consume(subject('acct-replay', 't1', 'u2'), 100);
      await b.consume(subject('acct-replay', 't2', 'u2'), 100);
      expect(((await refusal(a.consume(subject('acct-replay', 't3', 'u2'), 10))) as AppError).code).toBe('RATE_LIMITED');
      await a.consume(subject('acct-replay', 't3', 'u3'), 100);
    });
  });
}
