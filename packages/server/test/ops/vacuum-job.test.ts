import { defaultClient as C } from '@switchboard/protocol';
import { io as connectClient, type Socket as ClientSocket } from 'socket.io-client';
import { afterEach, describe, expect, it } from 'vitest';

import { signToken } from '../../src/auth/token-signer';
import { buildServer, type Switchboard } from '../../src/build-server';
import type { Config } from '../../src/config';
import type { Db, DbKind, Queryable, TransactionTimings } from '../../src/storage/db';
import { createTestDatabase, postgresAvailable, type TestDatabase, uniqueAccountId } from '../support/databases';
import { ask } from '../support/events';
import { ManualClock } from '../support/manual-clock';
import { SECRET, testServerConfig } from '../support/server';

const INTERVAL_S = 60;
const PASS_STARTS = /pg_stat_all_tables/;

/**
 * The server's database, seen from outside: every statement the server sends through it is recorded,
 * and a statement can be held: the connection is made busy just before it is sent, so that what the
 * server sends next lines up behind it in PGlite's one queue, until the test releases it.
 */
class WatchedDb implements Db {
  readonly statements: string[] = [];
  private readonly waiters: Array<{ pattern: RegExp; resolve: (sent: { answered: Promise<number> }) => void; hold?: Promise<void> }> = [];
  private useWaiters: Array<() => void> = [];
  constructor(private readonly db: Db) {}

  get kind(): DbKind {
    return this.db.kind;
  }

  query<T>(text: string, params?: readonly unknown[]): Promise<T[]> {
    this.statements.push(text);
    for (const resolve of this.useWaiters.splice(0)) resolve();
    const waiter = this.waiters.find((w) => w.pattern.test(text));
    if (waiter) this.waiters.splice(this.waiters.indexOf(waiter), 1);
    // Taken first, in the same turn: PGlite queues callers in the order they come.
    if (waiter?.hold) void this.db.transaction(() => waiter.hold!);
    const result = this.db.query<T>(text, params);
    // Wrapped: a promise resolved with a promise would wait for it.
    waiter?.resolve({ answered: result.then(() => performance.now()) });
    return result;
  }

  transaction<T>(fn: (tx: Queryable) => Promise<T>, timings?: TransactionTimings): Promise<T> {
    for (const resolve of this.useWaiters.splice(0)) resolve();
    return this.db.transaction(fn, timings);
  }

  ping(): Promise<void> {
    return this.db.ping();
  }

  close(): Promise<void> {
    return this.db.close();
  }

  /** Resolves once the server sends a statement matching `pattern`, with when it is answered; held behind `hold` if given. */
  next(pattern: RegExp, hold?: Promise<void>): Promise<{ answered: Promise<number> }> {
    return new Promise((resolve) => this.waiters.push({ pattern, resolve, hold }));
  }

  /** Resolves when the server next sends a statement or asks for a transaction. */
  nextUse(): Promise<void> {
    return new Promise((resolve) => this.useWaiters.push(resolve));
  }

  count(pattern: RegExp): number {
    return this.statements.filter((s) => pattern.test(s)).length;
  }
}

interface Running {
  sb: Switchboard;
  db: WatchedDb;
  clock: ManualClock;
  port: number;
  database: TestDatabase;
  sockets: ClientSocket[];
  /** Ends a hold on the connection (WatchedDb.next), if the test made one. */
  release: () => void;
}
let running: Running | null = null;

async function start(kind: DbKind, overrides: Partial<Config> = {}): Promise<Running> {
  const database = await createTestDatabase(kind);
  const db = new WatchedDb(database.db);
  const clock = new ManualClock();
  const sb = await buildServer(
    testServerConfig({
      DB_VACUUM_INTERVAL_S: INTERVAL_S,
      // Passes on time: a test server starting up is busy, and waiting for a quiet moment is db-vacuum.test.ts's.
      DB_VACUUM_BUSY_UTILIZATION: 1,
      // The first test writes 61 times as fast as it can: within the default budget only on a cold, slow start.
      RATE_LIMIT_POINTS: 10_000,
      ...overrides,
    }),
    { db, clock },
  );
  running = { sb, db, clock, port: await sb.listen(), database, sockets: [], release: () => undefined };
  return running;
}

afterEach(async () => {
  const r = running;
  running = null;
  r?.release();
  for (const s of r?.sockets ?? []) s.disconnect();
  await r?.sb.close();
  await r?.database.dispose();
}, 60_000);

describe('the vacuum job in a server on the embedded engine', () => {
  it('answers a send that arrived while a VACUUM held the connection, once the VACUUM is done', async () => {
    const r = await start('pglite');
    const accountId = uniqueAccountId('vacjob');
    const agent = await signToken(SECRET, { sub: 'agent-1', accountId, role: 'agent' }, 3600);
    const http = (path: string, body: unknown) =>
      fetch(`http://127.0.0.1:${r.port}${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${agent}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      }).then(async (res) => {
        expect(res.status).toBeLessThan(300);
        return (await res.json()) as { id: string };
      });
    const conversation = await http('/api/conversations', { subject: 'vacuum', contactId: 'cust-1' });
    // Each message writes a new version of its conversation's row: dead ones for the job to find.
    for (let i = 0; i < 60; i++) await http(`/api/conversations/${conversation.id}/messages`, { content: `m${i}` });
    const socket = connectClient(`http://127.0.0.1:${r.port}/`, {
      transports: ['websocket'],
      forceNew: true,
      reconnection: false,
      auth: { token: agent },
    });
    r.sockets.push(socket);
    await new Promise((resolve) => socket.once('authenticated', resolve));

    const vacuumSent = r.db.next(/^VACUUM /, new Promise<void>((resolve) => (r.release = resolve)));
    await r.clock.advance(INTERVAL_S * 1_000);
    const vacuumDone = (await vacuumSent).answered;
    // The VACUUM waits in the connection's queue; the send's first use of the database lines up behind it.
    const queued = r.db.nextUse();
    const answer = ask(socket, C.send_message.name, {
      conversationId: conversation.id,
      content: 'during the vacuum',
      clientMessageId: 'v1',
    });
    await queued;
    r.release();
    const acked = await answer;
    const ackedAt = performance.now();

    expect(acked.ok).toBe(true);
    expect(acked.data).toMatchObject({ content: 'during the vacuum', conversationId: conversation.id });
    expect(await vacuumDone).toBeLessThan(ackedAt);
  }, 120_000);

  it('stops its timer when the server closes: no pass after close however far the clock moves', async () => {
    const r = await start('pglite');
    const passed = r.db.next(/FROM pg_database/);
    await r.clock.advance(INTERVAL_S * 1_000);
    await (
      await passed
    ).answered;
    const before = r.db.count(PASS_STARTS);
    expect(before).toBe(1);

    await r.sb.close();
    await r.clock.advance(10 * INTERVAL_S * 1_000);
    // The caller's database is still open: a timer left running would have started a pass on it.
    expect(r.db.count(PASS_STARTS)).toBe(before);
  }, 120_000);
});

describe.skipIf(!postgresAvailable)('the vacuum job in a server on PostgreSQL', () => {
  it('does not run by default: autovacuum is PostgreSQL’s', async () => {
    const r = await start('postgres');
    await r.clock.advance(10 * INTERVAL_S * 1_000);
    expect(r.db.count(PASS_STARTS)).toBe(0);
  }, 60_000);

  it('runs with DB_VACUUM_ON_POSTGRES', async () => {
    const r = await start('postgres', { DB_VACUUM_ON_POSTGRES: true });
    const passed = r.db.next(/FROM pg_database/);
    await r.clock.advance(INTERVAL_S * 1_000);
    await (
      await passed
    ).answered;
    expect(r.db.count(PASS_STARTS)).toBe(1);
  }, 60_000);
});
