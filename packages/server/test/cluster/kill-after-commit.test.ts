import pg from 'pg';
import { io as connectClient, type Socket as ClientSocket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { signToken } from '../../src/auth/token-signer';
import { deliveryFaults, Listener } from '../support/chat-load';
import { createPostgresDatabase, postgresAvailable } from '../support/databases';
import { eventually, until } from '../support/events';
import { freePort, type NodeProcess, spawnNode, stopAllNodes } from '../support/processes';
import { PrivateRedis, redisAvailable } from '../support/redis';
import { SECRET } from '../support/server';

/**
 * The write pipeline's one dangerous moment: a flush has committed and the node dies before it
 * answers anyone or broadcasts anything. Node 1 pauses there (WRITE_ACK_DELAY_MS, a fault-injection
 * knob) and is SIGKILLed; the client retries on node 2 with the same clientMessageIds. Nothing may
 * be lost or doubled: each retry is answered with the message node 1 stored, and node 2's outbox
 * tailer brings the messages node 1 never broadcast to the listeners, once each.
 */
describe.skipIf(!postgresAvailable || !redisAvailable)('a node killed between its commit and its acks', () => {
  let redis: PrivateRedis;
  let database: { url: string; drop(): Promise<void> };
  let n1: NodeProcess;
  let n2: NodeProcess;
  let db: pg.Client;
  const token = (sub: string, role: 'agent' | 'customer', accountId: string) => signToken(SECRET, { sub, accountId, role, name: sub });

  beforeAll(async () => {
    redis = new PrivateRedis(await freePort());
    // The database is a copy of the migrated template, so both nodes start at once and find the migrations done.
    [database] = await Promise.all([createPostgresDatabase({ migrated: true }), redis.start()]);
    const env = {
      DATABASE_URL: database.url,
      REDIS_URL: redis.url,
      REDIS_PREFIX: 'kill-after-commit',
      OUTBOX_POLL_MS: '100',
      OUTBOX_MIN_AGE_MS: '200',
    };
    [n1, n2] = await Promise.all([spawnNode('node-1-stalls', { ...env, WRITE_ACK_DELAY_MS: '120000' }), spawnNode('node-2', env)]);
    db = new pg.Client({ connectionString: database.url });
    await db.connect();
  }, 120_000);

  afterAll(async () => {
    await stopAllNodes();
    await db?.end().catch(() => undefined);
    await redis?.stop();
    await database?.drop();
  }, 60_000);

  it('loses nothing that was committed: retries on the survivor get the stored messages, listeners hear each once', async () => {
    const tenant = 'kill-ack';
    const created = await fetch(n2.url('/api/conversations'), {
      method: 'POST',
      headers: { authorization: `Bearer ${await token('kill-ack-cust', 'customer', tenant)}`, 'content-type': 'application/json' },
      body: '{}',
    });
    const conversationId = ((await created.json()) as { id: string }).id;
    const listener = new Listener('listener', await token('kill-ack-listener', 'agent', tenant));
    await listener.connect(n2.url());

    const senderToken = await token('kill-ack-agent', 'agent', tenant);
    const open = (url: string) =>
      new Promise<ClientSocket>((resolve, reject) => {
        const s = connectClient(url, { transports: ['websocket'], auth: { token: senderToken }, reconnection: false, forceNew: true });
        s.once('authenticated', () => resolve(s));
        s.once('connect_error', reject);
      });
    const sends = Array.from({ length: 20 }, (_, i) => ({ conversationId, content: `m${i} ${Date.now()}`, clientMessageId: `kill-${i}` }));
    const first = await open(n1.url());
    const answeredByNode1: unknown[] = [];
    for (const s of sends) first.emit('send_message', s, (reply: unknown) => answeredByNode1.push(reply));

    // Committed on node 1, and still unanswered: node 1 waits between commit and ack. Its first flush
    // holds the sends that had arrived when it started (all 20 on a quiet machine, fewer on a busy
    // one); the rest wait behind it, uncommitted (one flush at a time). A flush is one transaction,
    // so its rows appear together.
    const read = async () =>
      (
        await db.query<{ id: string; client_message_id: string }>('SELECT id, client_message_id FROM messages WHERE account_id = $1', [
          tenant,
        ])
      ).rows;
    // Polling the database, which has no event to wait for.
    const stored = await eventually(
      async () => {
        const rows = await read();
        expect(rows.length).toBeGreaterThan(0);
        return rows;
      },
      { ms: 20_000, every: 100, what: 'the first committed rows' },
    );
    // About time: nothing more is written later by the killed node's half-finished flush.
    await new Promise((r) => setTimeout(r, 500));
    expect(await read()).toHaveLength(stored.length);
    expect(answeredByNode1).toEqual([]);
    n1.kill('SIGKILL');
    await n1.exited;
    first.close();

    // The client retries what it never heard back about, on the survivor.
    const second = await open(n2.url());
    const replies = await Promise.all(
      sends.map((s) => second.timeout(10_000).emitWithAck('send_message', s) as Promise<{ ok: boolean; data: { id: string } }>),
    );
    second.close();
    const storedIds = new Map(stored.map((r) => [r.client_message_id, r.id]));
    expect(replies.map((r) => r.ok)).toEqual(sends.map(() => true));
    // What node 1 committed is answered with node 1's row; what it never committed is written now.
    replies.forEach((r, i) => {
      const committed = storedIds.get(sends[i]!.clientMessageId);
      if (committed) expect(r.data.id).toBe(committed);
    });
    const count = await db.query('SELECT count(*)::int AS n FROM messages WHERE account_id = $1', [tenant]);
    expect(count.rows[0].n).toBe(sends.length);

    // Node 1 never broadcast nor relayed them: node 2's tailer brings each to the listener once.
    const acked = new Set(replies.map((r) => r.data.id));
    await until(() => [...acked].every((id) => listener.counts.has(id)), 10_000, 'the listener hears every message');
    // About time: the tailer's window, in which a duplicate would still arrive.
    await new Promise((r) => setTimeout(r, 500));
    expect(deliveryFaults([listener], acked)).toEqual([]);
    listener.socket.disconnect();
  }, 90_000);
});
