import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { MemoryPresenceStore, type PresenceStore, type PresenceStoreOptions } from '../../src/cluster/presence-store';
import type { RedisClient } from '../../src/cluster/redis-connection';
import { RedisPresenceStore } from '../../src/cluster/redis-presence-store';
import { uniqueAccountId } from '../support/databases';
import { dropRedisPrefix, openTestRedis, redisAvailable, uniqueRedisPrefix } from '../support/redis';

/** One contract, two implementations. `nodes` gives two stores over one state, as two nodes would have. */
interface Impl {
  name: string;
  skip: boolean;
  nodes(opts: Partial<PresenceStoreOptions>): [PresenceStore, PresenceStore];
}

let redis: RedisClient | undefined;
const prefix = uniqueRedisPrefix('presence');
beforeAll(async () => {
  if (redisAvailable) redis = await openTestRedis();
});
afterAll(async () => {
  if (redis) await dropRedisPrefix(redis, prefix);
});

const impls: Impl[] = [
  {
    name: 'memory',
    skip: false,
    nodes: (opts) => {
      const one = new MemoryPresenceStore(opts);
      return [one, one];
    },
  },
  {
    name: 'redis',
    skip: !redisAvailable,
    nodes: (opts) => [new RedisPresenceStore(redis!, prefix, opts), new RedisPresenceStore(redis!, prefix, opts)],
  },
];

for (const impl of impls) {
  describe.skipIf(impl.skip)(`presence store [${impl.name}]`, () => {
    let t = 1_700_000_000_000;
    const clock = { now: () => t };
    const make = () => impl.nodes({ connectionTtlMs: 1_000, recordTtlMs: 60_000, now: clock.now });

    it('counts several connections of a user once: online at the first, offline at the last', async () => {
      const [store] = make();
      const acct = uniqueAccountId();
      expect((await store.connect(acct, 'u1', 'c1', { role: 'agent', name: 'Ann' })).first).toBe(true);
      const second = await store.connect(acct, 'u1', 'c2');
      expect(second.first).toBe(false);
      expect(second.record).toMatchObject({ accountId: acct, userId: 'u1', status: 'online', connections: 2, role: 'agent', name: 'Ann' });
      expect((await store.disconnect(acct, 'u1', 'c1')).last).toBe(false);
      expect(await store.get(acct, 'u1')).toMatchObject({ connections: 1 });
      const last = await store.disconnect(acct, 'u1', 'c2');
      expect(last.last).toBe(true);
      expect(last.record).toMatchObject({ userId: 'u1', role: 'agent', name: 'Ann' });
      expect(await store.get(acct, 'u1')).toBeNull();
      expect(await store.list(acct)).toEqual([]);
    });

    it('says "last" once: a repeated or unknown disconnect changes nothing', async () => {
      const [a, b] = make();
      const acct = uniqueAccountId();
      await a.connect(acct, 'u1', 'c1');
      const results = await Promise.all([a.disconnect(acct, 'u1', 'c1'), b.disconnect(acct, 'u1', 'c1')]);
      expect(results.filter((r) => r.last)).toHaveLength(1);
      expect(await a.disconnect(acct, 'u1', 'never')).toEqual({ last: false, record: null });
    });

    it('remembers a chosen status across reconnects', async () => {
      const [store] = make();
      const acct = uniqueAccountId();
      expect(await store.setStatus(acct, 'u1', 'busy')).toEqual({ previous: 'online', record: null });
      const back = await store.connect(acct, 'u1', 'c1');
      expect(back).toMatchObject({ first: true, record: { status: 'busy' } });
      expect(await store.setStatus(acct, 'u1', 'away')).toMatchObject({ previous: 'busy', record: { status: 'away', connections: 1 } });
      await store.disconnect(acct, 'u1', 'c1');
      expect((await store.connect(acct, 'u1', 'c2')).record.status).toBe('away');
    });

    it("lists the account's online users only", async () => {
      const [store] = make();
      const acct = uniqueAccountId();
      const other = uniqueAccountId();
      await store.connect(acct, 'u1', 'c1');
      await store.connect(acct, 'u2', 'c2');
      await store.connect(other, 'u1', 'c3');
      expect((await store.list(acct)).map((r) => r.userId).sort()).toEqual(['u1', 'u2']);
    });

    it("expires a dead node's connections, and hands the offline user to exactly one sweeper", async () => {
      const [nodeA, nodeB] = make();
      const acct = uniqueAccountId();
      await nodeA.connect(acct, 'u1', 'on-a', { role: 'agent', name: null });
      await nodeB.connect(acct, 'u1', 'on-b');
      t += 600;
      // Node A died: only node B keeps its connection alive.
      await nodeB.heartbeat([{ accountId: acct, userId: 'u1', connectionId: 'on-b' }]);
      t += 600;
      expect(await nodeA.get(acct, 'u1')).toMatchObject({ connections: 1 });
      expect((await Promise.all([nodeA.sweep(), nodeB.sweep()])).flat().filter((r) => r.accountId === acct)).toEqual([]);
      t += 1_000;
      expect(await nodeA.get(acct, 'u1')).toBeNull();
      const swept = (await Promise.all([nodeA.sweep(), nodeB.sweep()])).flat().filter((r) => r.accountId === acct);
      expect(swept).toHaveLength(1);
      expect(swept[0]).toMatchObject({ userId: 'u1', role: 'agent' });
      expect((await nodeA.sweep()).filter((r) => r.accountId === acct)).toEqual([]);
    });

    it('a disconnect and a sweep of the same expired user announce it once between them', async () => {
      const [nodeA, nodeB] = make();
      const acct = uniqueAccountId();
      await nodeA.connect(acct, 'u1', 'c1');
      t += 1_500;
      const [gone, swept] = await Promise.all([nodeA.disconnect(acct, 'u1', 'c1'), nodeB.sweep()]);
      const settled = gone.last ? await nodeA.settle(acct, 'u1') : null;
      expect(Number(settled !== null) + swept.filter((r) => r.accountId === acct).length).toBe(1);
    });

    it('keeps a user whose last connection closed online through the grace; a return inside it is no news', async () => {
      const [nodeA, nodeB] = impl.nodes({ connectionTtlMs: 10_000, recordTtlMs: 60_000, graceMs: 1_000, now: clock.now });
      const acct = uniqueAccountId();
      await nodeA.connect(acct, 'u1', 'c1', { role: 'agent', name: 'Ann' });
      expect((await nodeA.disconnect(acct, 'u1', 'c1')).last).toBe(true);
      expect(await nodeB.get(acct, 'u1')).toMatchObject({ connections: 0, status: 'online' });
      expect((await nodeB.list(acct)).map((r) => r.userId)).toEqual(['u1']);
      expect(await nodeA.settle(acct, 'u1')).toBeNull();
      t += 500;
      // Back on the other node inside the grace: not a first connection, and nothing to settle.
      expect((await nodeB.connect(acct, 'u1', 'c2')).first).toBe(false);
      t += 1_000;
      expect(await nodeA.settle(acct, 'u1')).toBeNull();
      expect((await nodeA.sweep()).filter((r) => r.accountId === acct)).toEqual([]);
      expect(await nodeA.get(acct, 'u1')).toMatchObject({ connections: 1 });
    });

    it('hands a user who stayed away past the grace out once: to settle or to a sweep', async () => {
      const [nodeA, nodeB] = impl.nodes({ connectionTtlMs: 10_000, recordTtlMs: 60_000, graceMs: 1_000, now: clock.now });
      const acct = uniqueAccountId();
      await nodeA.connect(acct, 'u1', 'c1', { role: 'agent', name: 'Ann' });
      await nodeA.disconnect(acct, 'u1', 'c1');
      t += 1_001;
      expect(await nodeA.get(acct, 'u1')).toBeNull();
      const [settled, swept] = await Promise.all([nodeA.settle(acct, 'u1'), nodeB.sweep()]);
      const out = [settled, ...swept.filter((r) => r.accountId === acct)].filter((r) => r !== null);
      expect(out).toHaveLength(1);
      expect(out[0]).toMatchObject({ userId: 'u1', role: 'agent', name: 'Ann' });
      expect(await nodeB.settle(acct, 'u1')).toBeNull();
      expect((await nodeB.connect(acct, 'u1', 'c3')).first).toBe(true);
    });

    it("gives a snapshot of the account's staff online and their chosen statuses", async () => {
      const [nodeA, nodeB] = make();
      const acct = uniqueAccountId();
      await nodeA.connect(acct, 'u1', 'c1', { role: 'agent', name: null });
      await nodeB.connect(acct, 'u2', 'c2', { role: 'admin', name: null });
      await nodeB.connect(acct, 'cust', 'c3', { role: 'customer', name: null });
      await nodeA.connect(uniqueAccountId(), 'u3', 'c4', { role: 'agent', name: null });
      await nodeA.setStatus(acct, 'u2', 'busy');
      await nodeA.connect(acct, 'u4', 'c5', { role: 'agent', name: null });
      await nodeA.disconnect(acct, 'u4', 'c5');
      expect(await nodeB.statuses(acct)).toEqual({ u1: 'online', u2: 'busy' });
    });

    it('reads a chosen offline as offline (appear offline), in get and list alike', async () => {
      const [store] = make();
      const acct = uniqueAccountId();
      await store.connect(acct, 'u1', 'c1');
      expect(await store.setStatus(acct, 'u1', 'offline')).toMatchObject({
        previous: 'online',
        record: { status: 'offline', connections: 1 },
      });
      expect(await store.get(acct, 'u1')).toMatchObject({ status: 'offline' });
      expect((await store.list(acct))[0]).toMatchObject({ status: 'offline' });
    });

    it('a heartbeat puts back connections the store lost (Redis restarted without its data)', async () => {
      const [store] = make();
      const acct = uniqueAccountId();
      await store.heartbeat([{ accountId: acct, userId: 'u9', connectionId: 'c9' }]);
      expect(await store.get(acct, 'u9')).toMatchObject({ status: 'online', connections: 1 });
      expect((await store.disconnect(acct, 'u9', 'c9')).last).toBe(true);
    });

    it('forgets the record (chosen status) after its TTL', async () => {
      const [store] = impl.nodes({ connectionTtlMs: 1_000, recordTtlMs: 150 });
      const acct = uniqueAccountId();
      await store.connect(acct, 'u1', 'c1');
      await store.setStatus(acct, 'u1', 'busy');
      await store.disconnect(acct, 'u1', 'c1');
      // About time: the record's TTL (150 ms) runs out; Redis keeps that time itself, so a fake clock cannot move it.
      await new Promise((r) => setTimeout(r, 300));
      expect((await store.connect(acct, 'u1', 'c2')).record.status).toBe('online');
    });
  });
}
