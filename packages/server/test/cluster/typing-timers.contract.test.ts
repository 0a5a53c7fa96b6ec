import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { RedisClient } from '../../src/cluster/redis-connection';
import { RedisTypingTimers } from '../../src/cluster/redis-typing-timers';
import { MemoryTypingTimers, type TypingTimers } from '../../src/cluster/typing-timers';
import { dropRedisPrefix, openTestRedis, redisAvailable, uniqueRedisPrefix } from '../support/redis';

let redis: RedisClient | undefined;
const prefix = uniqueRedisPrefix('typing');
beforeAll(async () => {
  if (redisAvailable) redis = await openTestRedis();
});
afterAll(async () => {
  if (redis) await dropRedisPrefix(redis, prefix);
});

let suite = 0;
const impls: Array<{ name: string; skip: boolean; nodes(now: () => number): [TypingTimers, TypingTimers] }> = [
  {
    name: 'memory',
    skip: false,
    nodes: (now) => {
      const one = new MemoryTypingTimers(now);
      return [one, one];
    },
  },
  {
    name: 'redis',
    skip: !redisAvailable,
    nodes: (now) => {
      const p = `${prefix}:${++suite}`;
      return [new RedisTypingTimers(redis!, p, now), new RedisTypingTimers(redis!, p, now)];
    },
  },
];

for (const impl of impls) {
  describe.skipIf(impl.skip)(`typing timers [${impl.name}]`, () => {
    let t = 1_700_000_000_000;
    const make = () => impl.nodes(() => t);

    it('arms once (a new typist), re-arms quietly, and disarms once', async () => {
      const [a, b] = make();
      expect(await a.arm('k1', 'ann', 'data-1', 5_000)).toBe(true);
      expect(await b.arm('k1', 'ann', 'data-1', 5_000)).toBe(false);
      expect(await a.disarm('k1', 'ann')).toBe('data-1');
      expect(await b.disarm('k1', 'ann')).toBeNull();
    });

    it('hands an expired timer to one node only, whichever armed it', async () => {
      const [a, b] = make();
      await a.arm('k1', 'ann', 'ann typing', 5_000);
      await a.arm('k2', 'bob', 'bob typing', 8_000);
      t += 4_000;
      expect(await b.takeExpired()).toEqual([]);
      await a.arm('k1', 'ann', 'ann typing', 5_000); // still typing: the deadline moves
      t += 4_500;
      const [fromA, fromB] = await Promise.all([a.takeExpired(), b.takeExpired()]);
      expect([...fromA, ...fromB]).toEqual(['bob typing']);
      t += 1_000;
      expect([...(await b.takeExpired()), ...(await a.takeExpired())]).toEqual(['ann typing']);
      expect(await a.disarm('k1', 'ann')).toBeNull();
    });

    it("disarms every timer of one owner, and no one else's", async () => {
      const [a, b] = make();
      await a.arm('conv1', 'ann', 'ann in 1', 5_000);
      await b.arm('conv2', 'ann', 'ann in 2', 5_000);
      await a.arm('conv1b', 'bob', 'bob in 1', 5_000);
      expect((await b.disarmOwner('ann')).sort()).toEqual(['ann in 1', 'ann in 2']);
      expect(await a.disarmOwner('ann')).toEqual([]);
      expect(await a.disarm('conv1b', 'bob')).toBe('bob in 1');
    });
  });
}
