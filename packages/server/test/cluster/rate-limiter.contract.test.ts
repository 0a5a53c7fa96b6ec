import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryGcraStore, withLocalFallback, type GcraStore } from '../../src/cluster/gcra-store';
import { createRateLimiter, type RateLimiter, type RateLimitOptions } from '../../src/cluster/rate-limiter';
import { RedisGcraStore } from '../../src/cluster/redis-gcra-store';
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

// A socket earns 10 points/s (one per 100 ms) and may spend 3 at once; a user 3x that; a tenant 20/s, 6 at once.
const opts: RateLimitOptions = { points: 10, windowSeconds: 1, tenantPoints: 20, burstSeconds: 0.3 };
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
const refusal = (p: Promise<void>) => p.then(() => null, (err: unknown) => err as AppError);
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
      // A cheaper event of another kind draws on the same, empty budget.
      const err = await refusal(b.consume(subject(acct, 's1'), 0.25));
      expect(err).toBeInstanceOf(AppError);
      expect(err?.code).toBe('RATE_LIMITED');
      expect(err?.details).toMatchObject({ scope: 'socket', limit: 10, windowSeconds: 1 });
      expect(err?.details?.retryAfterMs).toBeGreaterThan(0);
      expect(err?.details?.retryAfterMs).toBeLessThanOrEqual(100);
      // Another socket of another user has its own budget.
      await a.consume(subject(acct, 's2', 'u2'), 1);
    });

    it('refills smoothly: after the wait it names, one more event passes, not a new burst', async () => {
      const [a] = nodes();
      const acct = tenant();
      for (let i = 0; i < 3; i++) await a.consume(subject(acct, 'w1'), 1);
      const err = await refusal(a.consume(subject(acct, 'w1'), 1));
      await sleep(err!.details!.retryAfterMs as number);
      expect(await refusal(a.consume(subject(acct, 'w1'), 1))).toBeNull();
      expect((await refusal(a.consume(subject(acct, 'w1'), 1)))?.code).toBe('RATE_LIMITED');
    });

    it("limits a user across its sockets to three sockets' worth", async () => {
      const [a, b] = nodes({ ...opts, tenantPoints: 1_000 });
      const acct = tenant();
      // 9 points: the user's burst (3 x 3), from four sockets in turn.
      for (let i = 0; i < 9; i++) await (i % 2 ? a : b).consume(subject(acct, `t${i % 4}`), 1);
      const err = await refusal(a.consume(subject(acct, 't9'), 1));
      expect(err?.details?.scope).toBe('user');
    });

    it('holds a tenant under its ceiling across users, and a refusal charges no budget', async () => {
      const [a, b] = nodes();
      const acct = tenant();
      // The tenant may spend 6 points at once; three users of 2 points each use it up.
      for (let u = 0; u < 3; u++) for (let i = 0; i < 2; i++) await (i ? a : b).consume(subject(acct, `c${u}`, `user${u}`), 1);
      const err = await refusal(a.consume(subject(acct, 'c9', 'user9'), 1));
      expect(err?.details).toMatchObject({ scope: 'tenant', limit: 20 });
      // Another tenant is untouched.
      await b.consume(subject(tenant(), 'c9', 'user9'), 1);
      // user9's own budgets were not charged by the refused event: once the tenant refills, it has its full burst.
      await sleep(300);
      for (let i = 0; i < 3; i++) await a.consume(subject(acct, 'c9', 'user9'), 1);
    });

    it('charges a cost above the burst as a full budget, and an HTTP call (no socket) to the user and tenant', async () => {
      const [a] = nodes();
      const acct = tenant();
      await a.consume(subject(acct, 'big'), 50);
      expect((await refusal(a.consume(subject(acct, 'big'), 0.5)))?.details?.scope).toBe('socket');
      const other = tenant();
      for (let i = 0; i < 6; i++) await a.consume(subject(other, undefined, 'http-user'), 1);
      expect((await refusal(a.consume(subject(other, undefined, 'http-user'), 1)))?.details?.scope).toBe('tenant');
    });
  });
}

describe('rate limit store fallback', () => {
  it('limits on this node alone while the shared store fails, and reports the failure', async () => {
    const failures: unknown[] = [];
    const broken: GcraStore = { take: () => Promise.reject(new Error('redis is away')) };
    const limiter = createRateLimiter(opts, withLocalFallback(broken, (err) => failures.push(err)));
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
