import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { signToken } from '../../src/auth/token-signer';
import { deliveryFaults, Listener, percentile, Sender } from '../support/chat-load';
import { createPostgresDatabase, postgresAvailable } from '../support/databases';
import { sleep, until } from '../support/events';
import { freePort, type NodeProcess, spawnNode, stopAllNodes } from '../support/processes';
import { PrivateRedis, redisAvailable } from '../support/redis';
import { INTERNAL_KEY, SECRET } from '../support/server';

/**
 * Issue 5's reliability scenarios with real processes: two Switchboard nodes (`spawnNode`, the
 * server's main as a process), one PostgreSQL database, and a Redis of this file's own (so restarting it disturbs no
 * other test). Each scenario prints its figures; docs/reliability.md records a run.
 */
describe.skipIf(!postgresAvailable || !redisAvailable)('reliability: two nodes, PostgreSQL and Redis, real processes', () => {
  let redis: PrivateRedis;
  let database: { url: string; drop(): Promise<void> };
  let n1: NodeProcess;
  let n2: NodeProcess;
  let db: pg.Client;
  const t0 = Date.now();
  /** Progress lines, with DEBUG_RELIABILITY=1. */
  const step = (what: string) => {
    if (process.env.DEBUG_RELIABILITY) console.log(`[${((Date.now() - t0) / 1000).toFixed(1)} s] ${what}`);
  };
  const token = (sub: string, role: 'agent' | 'customer' | 'admin', accountId: string) =>
    signToken(SECRET, { sub, accountId, role, name: sub });

  beforeAll(async () => {
    redis = new PrivateRedis(await freePort());
    // The database is a copy of the migrated template, so both nodes start at once and find the migrations done.
    [database] = await Promise.all([createPostgresDatabase({ migrated: true }), redis.start()]);
    const env = {
      DATABASE_URL: database.url,
      REDIS_URL: redis.url,
      REDIS_PREFIX: 'reliability',
      OUTBOX_POLL_MS: '100',
      OUTBOX_MIN_AGE_MS: '200',
      PRESENCE_TTL_MS: '3000',
      DATABASE_POOL_SIZE: '20',
    };
    step('set-up: database and Redis ready');
    [n1, n2] = await Promise.all([spawnNode('node-1', env), spawnNode('node-2', env)]);
    step('set-up: nodes ready');
    db = new pg.Client({ connectionString: database.url });
    await db.connect();
  }, 120_000);

  afterAll(async () => {
    if (process.env.DEBUG_RELIABILITY) for (const n of [n1, n2]) console.log(`--- ${n?.name}\n${n?.output().slice(-6_000)}`);
    step('tear-down: stopping the nodes');
    await stopAllNodes();
    step('tear-down: nodes stopped');
    await db?.end().catch(() => undefined);
    await redis?.stop();
    await database?.drop();
  }, 60_000);

  async function conversation(tenant: string): Promise<string> {
    const res = await fetch(n2.url('/api/conversations'), {
      method: 'POST',
      headers: { authorization: `Bearer ${await token(`${tenant}-cust`, 'customer', tenant)}`, 'content-type': 'application/json' },
      body: '{}',
    });
    return ((await res.json()) as { id: string }).id;
  }

  async function listeners(tenant: string, n: number, node: NodeProcess, tag: string): Promise<Listener[]> {
    return Promise.all(
      Array.from({ length: n }, async (_, i) => {
        const l = new Listener(`${tag}-${i}`, await token(`${tenant}-${tag}-${i}`, 'agent', tenant));
        await l.connect(node.url());
        return l;
      }),
    );
  }

  /**
   * Each sender writes into a conversation of its own: messages to one conversation take its row
   * lock in turn, so one conversation alone would measure that lock rather than the cluster. All are
   * in one tenant, whose staff (the listeners) hear every message.
   */
  async function senders(tenant: string, n: number, node: NodeProcess, tag: string): Promise<Sender[]> {
    return Promise.all(
      Array.from({ length: n }, async (_, i) => {
        const s = new Sender(`${tag}${i}`, await token(`${tenant}-${tag}-s${i}`, 'agent', tenant), await conversation(tenant));
        await s.connect(node.url());
        return s;
      }),
    );
  }

  async function metric(node: NodeProcess, name: string): Promise<number> {
    const text = await (await fetch(node.url('/metrics'), { headers: { 'x-internal-api-key': INTERNAL_KEY } })).text();
    const line = text.split('\n').find((l) => l.startsWith(`${name} `));
    return line ? Number(line.split(' ')[1]) : 0;
  }

  const ackedIds = (all: Sender[]) => new Set(all.flatMap((s) => [...s.acked.values()]));

  it('a message sent on one node arrives on the other', async () => {
    const tenant = 'rel-two';
    const [onN2] = await listeners(tenant, 1, n2, 'l2');
    const [onN1] = await listeners(tenant, 1, n1, 'l1');
    const [fromN1] = await senders(tenant, 1, n1, 'a');
    const [fromN2] = await senders(tenant, 1, n2, 'b');
    fromN1!.start(20);
    fromN2!.start(20);
    // Pacing: half a second of traffic (about 20 messages).
    await sleep(500);
    fromN1!.stop();
    fromN2!.stop();
    await Promise.all([fromN1!.drain(), fromN2!.drain()]);
    const acked = ackedIds([fromN1!, fromN2!]);
    await until(() => [onN1!, onN2!].every((l) => [...acked].every((id) => l.counts.has(id))), 5_000, 'both nodes hear both senders');
    expect(deliveryFaults([onN1!, onN2!], acked)).toEqual([]);
    console.log(
      `[reliability] two nodes: ${acked.size} messages, sent on both nodes, each heard once on both; latency p50 ${percentile(onN2!.latencies, 50)} ms, p99 ${percentile(onN2!.latencies, 99)} ms`,
    );
    [onN1!, onN2!].forEach((l) => l.socket.disconnect());
    [fromN1!, fromN2!].forEach((s) => s.close());
  });

  /**
   * One tenant of a scenario: listeners (staff, who hear every message of the tenant) on each node,
   * senders on each node. Load is spread over tenants because one tenant's event appends are
   * serialized through their commit (the per-tenant lock that makes seq order commit order): on this
   * machine, loaded, one tenant tops out at a few dozen events/s (docs/reliability.md).
   */
  async function tenantGroup(tenant: string, spec: { onN1: number; onN2: number; sendersN1: number; sendersN2: number }) {
    const atN1 = await listeners(tenant, spec.onN1, n1, 'l1');
    const atN2 = await listeners(tenant, spec.onN2, n2, 'l2');
    const sent = [...(await senders(tenant, spec.sendersN1, n1, 's1-')), ...(await senders(tenant, spec.sendersN2, n2, 's2-'))];
    return { tenant, atN1, atN2, senders: sent, sendersN1: sent.slice(0, spec.sendersN1) };
  }

  it('Redis restarts during traffic: delivery goes on by itself, and a client that was away gets what it missed', async () => {
    const groups = await Promise.all(
      ['a', 'b', 'c', 'd'].map((t) => tenantGroup(`rel-redis-${t}`, { onN1: 1, onN2: 1, sendersN1: 1, sendersN2: 1 })),
    );
    const [away] = await listeners('rel-redis-a', 1, n2, 'away');
    const stay = groups.flatMap((g) => [...g.atN1, ...g.atN2]);
    const all = groups.flatMap((g) => g.senders);
    const rescuedBefore = (await metric(n1, 'switchboard_outbox_rescued_total')) + (await metric(n2, 'switchboard_outbox_rescued_total'));
    step('redis: traffic starts');
    all.forEach((s) => s.start(12.5));
    // Pacing: traffic runs before the outage.
    await sleep(500);

    const down = Date.now();
    const latencyMark = stay.map((l) => l.latencies.length);
    away!.socket.disconnect();
    await redis.stop();
    step('redis: stopped');
    const readyWhileDown = await fetch(n1.url('/readyz'));
    const body = (await readyWhileDown.json()) as { checks: Record<string, string> };
    expect(readyWhileDown.status).toBe(503);
    expect(body.checks.redis).toBe('down');
    // About time: a one-second Redis outage under traffic.
    await sleep(1_000);
    await redis.start();
    step('redis: started again');
    const up = Date.now();
    const readyBy = Date.now() + 20_000;
    for (;;) {
      const [a, b] = await Promise.all([fetch(n1.url('/readyz')), fetch(n2.url('/readyz'))]);
      if (a.status === 200 && b.status === 200) break;
      if (Date.now() > readyBy) throw new Error('nodes not ready 20 s after Redis came back');
      // Polling /readyz, which has no event to wait for.
      await sleep(50);
    }
    const readyAgainMs = Date.now() - up;
    const duringOutage = stay.flatMap((l, i) => l.latencies.slice(latencyMark[i]));
    step('redis: nodes ready again');
    await away!.connect(n2.url(), away!.maxSeq);
    step('redis: the away client is back');
    // Pacing: traffic goes on after the outage.
    await sleep(500);
    all.forEach((s) => s.stop());
    await Promise.all(all.map((s) => s.drain()));
    step('redis: drained');
    // About time: the outbox tailers' window, in which a late duplicate or a rescued event would still arrive.
    await sleep(1_000);

    for (const g of groups) {
      const members = [...g.atN1, ...g.atN2, ...(g.tenant === 'rel-redis-a' ? [away!] : [])];
      expect(deliveryFaults(members, ackedIds(g.senders))).toEqual([]);
    }
    expect(stay.every((l) => l.disconnects === 0)).toBe(true);
    const rescued =
      (await metric(n1, 'switchboard_outbox_rescued_total')) + (await metric(n2, 'switchboard_outbox_rescued_total')) - rescuedBefore;
    const afterLatencies = stay.flatMap((l) => l.latencies.slice(-50));
    console.log(
      `[reliability] redis restart: outage ${up - down} ms, nodes ready again ${readyAgainMs} ms after Redis; ` +
        `${ackedIds(all).size} messages acked (100/s: 4 tenants x 2 senders x 12.5/s), every one heard once by the ${stay.length} listeners that stayed and by the one that came back; ` +
        `${rescued} deliveries carried by the outbox tailers; latency during the outage p50 ${percentile(duringOutage, 50)} ms p99 ${percentile(duringOutage, 99)} ms, ` +
        `after it p50 ${percentile(afterLatencies, 50)} ms`,
    );
    [...stay, away!].forEach((l) => l.socket.disconnect());
    all.forEach((s) => s.close());
  }, 60_000);

  it('SIGKILL of one of two nodes at 200 messages/s: every acked message is stored and reaches every member exactly once', async () => {
    const groups = await Promise.all(
      ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'].map((t) => tenantGroup(`rel-kill-${t}`, { onN1: 1, onN2: 1, sendersN1: 1, sendersN2: 1 })),
    );
    const movers = groups.flatMap((g) => g.atN1);
    const stayers = groups.flatMap((g) => g.atN2);
    const all = groups.flatMap((g) => g.senders);
    movers.forEach((l) => l.failOverTo(n2.url()));
    groups.flatMap((g) => g.sendersN1).forEach((s) => s.failOverTo(n2.url()));
    step('kill: traffic starts');
    all.forEach((s) => s.start(12.5));
    // Pacing: traffic runs before the kill.
    await sleep(1_000);

    step('kill: SIGKILL');
    n1.kill('SIGKILL');
    await n1.exited;
    step('kill: node 1 gone');
    // Pacing: traffic goes on on the surviving node.
    await sleep(1_500);
    all.forEach((s) => s.stop());
    await Promise.all(all.map((s) => s.drain()));
    step('kill: drained');
    await until(() => movers.every((l) => l.reconnectMs !== null), 10_000, 'every mover caught up on node 2');
    // About time: the outbox tailers' window, in which a late duplicate or a rescued event would still arrive.
    await sleep(1_500);

    let storedCount = 0;
    let unackedStored = 0;
    for (const g of groups) {
      const acked = ackedIds(g.senders);
      const stored = new Set(
        (await db.query<{ id: string }>('SELECT id FROM messages WHERE account_id = $1', [g.tenant])).rows.map((r) => r.id),
      );
      storedCount += stored.size;
      unackedStored += [...stored].filter((id) => !acked.has(id)).length;
      expect([...acked].filter((id) => !stored.has(id))).toEqual([]);
      const members = [...g.atN1, ...g.atN2];
      const faults = deliveryFaults(members, acked);
      expect(faults, `${g.tenant}: ${JSON.stringify(faults)} of ${acked.size} acked`).toEqual([]);
      // Stored but never acked (the answer died with node 1 and no retry came) must not be doubled either.
      expect(deliveryFaults(members, stored).filter((f) => f.duplicates > 0)).toEqual([]);
    }
    expect(stayers.every((l) => l.disconnects === 0)).toBe(true);
    const reconnects = movers.map((l) => l.reconnectMs!);
    console.log(
      `[reliability] SIGKILL at 200 msg/s (8 tenants x 2 senders x 12.5/s): ${ackedIds(all).size} acked, ${storedCount} stored (${unackedStored} stored without an ack), 0 acked lost; ` +
        `${movers.length} members moved to the survivor and ${stayers.length} stayed, each heard every acked message of its tenant exactly once; ` +
        `reconnect (socket lost -> caught up on the survivor) p50 ${percentile(reconnects, 50)} ms, p99 ${percentile(reconnects, 99)} ms; ` +
        `sends refused: ${all.reduce((n, s) => n + s.refused, 0)}`,
    );
    [...movers, ...stayers].forEach((l) => l.socket.disconnect());
    all.forEach((s) => s.close());
  }, 60_000);
});
