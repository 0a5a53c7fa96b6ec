import { mkdtemp, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import { describe, expect, it } from 'vitest';

import { AccountsRepo, isUniqueViolation, migrate, openDb, StorageError } from '../../src/storage/index';
import { openPgliteDb } from '../../src/storage/pglite-db';
import { forEachEngine, pgliteSnapshot } from '../support/databases';
import { sleep } from '../support/events';

forEachEngine('Db', ({ db, kind }) => {
  it('reports its engine and answers ping', async () => {
    expect(db().kind).toBe(kind);
    await expect(db().ping()).resolves.toBeUndefined();
  });

  it('returns int8 as number, timestamptz as Date, jsonb parsed and text[] as array', async () => {
    const [row] = await db().query<{ big: unknown; n: unknown; at: unknown; doc: unknown; tags: unknown }>(
      `SELECT 9007199254740991::int8 AS big, 2.5::numeric AS n, now() AS at, '{"a":[1]}'::jsonb AS doc, ARRAY['x','y']::text[] AS tags`,
    );
    expect(row).toMatchObject({ big: 9007199254740991, n: 2.5, doc: { a: [1] }, tags: ['x', 'y'] });
    expect(row?.at).toBeInstanceOf(Date);
  });

  it('runs a parameterless query with several statements and returns the last rows', async () => {
    const rows = await db().query('CREATE TEMP TABLE IF NOT EXISTS multi (v int); INSERT INTO multi VALUES (7); SELECT v FROM multi');
    expect(rows).toContainEqual({ v: 7 });
  });

  it('never interleaves concurrent transactions and queries (50 concurrent transactions)', async () => {
    await db().query('CREATE TABLE IF NOT EXISTS tx_counter (id int PRIMARY KEY, n int NOT NULL)');
    await db().query('CREATE TABLE IF NOT EXISTS tx_marks (tag text NOT NULL)');
    await db().query('INSERT INTO tx_counter VALUES (1, 0) ON CONFLICT (id) DO UPDATE SET n = 0');
    await db().query('DELETE FROM tx_marks');

    const transactions = Array.from({ length: 50 }, (_, i) =>
      db()
        .transaction(async (tx) => {
          const [row] = await tx.query<{ n: number }>('SELECT n FROM tx_counter WHERE id = 1 FOR UPDATE');
          // Yield between read and write: another caller's statement landing here would either
          // lose an increment or be rolled back with this transaction. (A jitter of 0-2 ms, not a wait for anything.)
          await sleep(i % 3);
          await tx.query('UPDATE tx_counter SET n = $1 WHERE id = 1', [(row?.n ?? 0) + 1]);
          await tx.query('INSERT INTO tx_marks VALUES ($1)', [i % 2 === 0 ? 'kept' : 'rolled-back']);
          if (i % 2 === 1) throw new Error(`abort ${i}`);
          return i;
        })
        .then(
          () => 'committed',
          () => 'aborted',
        ),
    );
    const outside = Array.from({ length: 50 }, () => db().query("INSERT INTO tx_marks VALUES ('outside')"));
    const outcomes = await Promise.all(transactions);
    await Promise.all(outside);

    expect(outcomes.filter((o) => o === 'committed')).toHaveLength(25);
    const [counter] = await db().query<{ n: number }>('SELECT n FROM tx_counter WHERE id = 1');
    expect(counter?.n).toBe(25);
    const marks = await db().query<{ tag: string; n: number }>('SELECT tag, count(*)::int AS n FROM tx_marks GROUP BY tag ORDER BY tag');
    expect(marks).toEqual([
      { tag: 'kept', n: 25 },
      { tag: 'outside', n: 50 },
    ]);
  });

  it('rolls back and rethrows the callback error unchanged', async () => {
    await db().query('CREATE TABLE IF NOT EXISTS tx_rollback (v text)');
    const failure = new Error('domain says no');
    await expect(
      db().transaction(async (tx) => {
        await tx.query("INSERT INTO tx_rollback VALUES ('gone')");
        throw failure;
      }),
    ).rejects.toBe(failure);
    expect(await db().query("SELECT * FROM tx_rollback WHERE v = 'gone'")).toEqual([]);
  });

  it('refuses the Db itself inside its own transaction instead of deadlocking', async () => {
    const attempt = db().transaction(async () => db().query('SELECT 1'));
    await expect(attempt).rejects.toMatchObject({ name: 'StorageError', kind: 'misuse' });
    const nested = db().transaction(async () => db().transaction(async () => 1));
    await expect(nested).rejects.toMatchObject({ kind: 'misuse' });
    // Still usable afterwards.
    await expect(db().query('SELECT 1 AS one')).resolves.toEqual([{ one: 1 }]);
  });

  it('wraps SQL errors without the SQL, its parameters or row values', async () => {
    const secret = 'super-secret-parameter';
    const err = await db()
      .query('SELECT * FROM no_such_table WHERE secret_column = $1', [secret])
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StorageError);
    const visible = `${(err as Error).message} ${(err as Error).stack} ${JSON.stringify(err)} ${Object.keys(err as object).join()}`;
    expect(visible).not.toMatch(/no_such_table|secret_column|SELECT/);
    expect(visible).not.toContain(secret);
    expect(err).toMatchObject({ kind: 'query_failed', code: '42P01' });
  });

  it('tells unique violations apart, inside and outside transactions', async () => {
    await db().query('CREATE TABLE IF NOT EXISTS uniq (k text PRIMARY KEY)');
    await db().query("INSERT INTO uniq VALUES ('private-value') ON CONFLICT DO NOTHING");
    const outside = await db()
      .query("INSERT INTO uniq VALUES ('private-value')")
      .catch((e: unknown) => e);
    expect(isUniqueViolation(outside)).toBe(true);
    expect((outside as StorageError).message).not.toContain('private-value');
    expect((outside as StorageError).constraint).toBe('uniq_pkey');

    const inside = await db()
      .transaction((tx) => tx.query("INSERT INTO uniq VALUES ('private-value')"))
      .catch((e: unknown) => e);
    expect(isUniqueViolation(inside)).toBe(true);

    const other = await db()
      .query('SELECT 1/0')
      .catch((e: unknown) => e);
    expect(isUniqueViolation(other)).toBe(false);
    expect(isUniqueViolation(new Error('23505'))).toBe(false);
  });
  it('runs one parameterised statement many times, inside and outside transactions, with every kind of parameter', async () => {
    await db().query(
      'CREATE TABLE IF NOT EXISTS param_kinds (k text PRIMARY KEY, n int, f float8, b boolean, tags text[], doc jsonb, at timestamptz)',
    );
    const insert = `INSERT INTO param_kinds (k, n, f, b, tags, doc, at) VALUES ($1, $2, $3, $4, $5::text[], $6::jsonb, $7::timestamptz)
                    ON CONFLICT (k) DO UPDATE SET n = EXCLUDED.n RETURNING k, n, f, b, tags, doc, at`;
    const at = new Date('2026-01-02T03:04:05.678Z');
    // More runs than PostgreSQL's five custom plans before it may switch to a generic one.
    for (let i = 0; i < 8; i++) {
      const params = [`k${i}`, i, i + 0.5, i % 2 === 0, ['a', null, `it's "${i}"`], JSON.stringify({ i, s: 'x\\y' }), at.toISOString()];
      const [row] = i % 2 === 0 ? await db().query(insert, params) : await db().transaction((tx) => tx.query(insert, params));
      expect(row).toEqual({ k: `k${i}`, n: i, f: i + 0.5, b: i % 2 === 0, tags: ['a', null, `it's "${i}"`], doc: { i, s: 'x\\y' }, at });
    }
    const [nulls] = await db().query(insert, ['nulls', null, null, null, null, null, null]);
    expect(nulls).toEqual({ k: 'nulls', n: null, f: null, b: null, tags: null, doc: null, at: null });
  });

  it('keeps a parameterised statement usable after it failed, inside and outside transactions', async () => {
    await db().query('CREATE TABLE IF NOT EXISTS param_fail (k text PRIMARY KEY)');
    const insert = 'INSERT INTO param_fail VALUES ($1) RETURNING k';
    await db().query(insert, ['taken']);
    const outside = await db()
      .query(insert, ['taken'])
      .catch((e: unknown) => e);
    expect(isUniqueViolation(outside)).toBe(true);
    const inside = await db()
      .transaction(async (tx) => {
        await tx.query(insert, ['rolled-back']);
        await tx.query(insert, ['taken']);
      })
      .catch((e: unknown) => e);
    expect(isUniqueViolation(inside)).toBe(true);
    await expect(db().transaction((tx) => tx.query(insert, ['after']))).resolves.toEqual([{ k: 'after' }]);
    await expect(db().query(insert, ['after-outside'])).resolves.toEqual([{ k: 'after-outside' }]);
    const kept = await db().query<{ k: string }>('SELECT k FROM param_fail WHERE k <> $1 ORDER BY k', ['none']);
    expect(kept.map((r) => r.k)).toEqual(['after', 'after-outside', 'taken']);
    // A text the database cannot parse fails each time, and is not kept.
    for (let i = 0; i < 2; i++) await expect(db().query('SELEC nothing FROM $1', ['x'])).rejects.toMatchObject({ code: '42601' });
  });
});

describe('embedded PGlite on disk', () => {
  it('creates <dataDir>/pg and keeps data and schema across restarts', async () => {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'switchboard-db-test-'));
    try {
      const first = await openDb({ dataDir: path.join(dataDir, 'nested') });
      await new AccountsRepo(first).ensure('persisted', 'Kept');
      await first.close();
      expect((await stat(path.join(dataDir, 'nested', 'pg'))).isDirectory()).toBe(true);

      const second = await openDb({ dataDir: path.join(dataDir, 'nested') });
      try {
        expect(await migrate(second)).toEqual([]);
        expect(await new AccountsRepo(second).get('persisted')).toMatchObject({ name: 'Kept' });
      } finally {
        await second.close();
      }
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  }, 120_000);

  it('runs initdb for a new data directory in a process of its own, and only the first time', async () => {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'switchboard-initdb-test-'));
    const initialised: number[] = [];
    const onInitialised = (pid: number) => initialised.push(pid);
    try {
      const first = await openPgliteDb(dataDir, { onInitialised });
      expect(await first.query<{ one: number }>('SELECT 1 AS one')).toEqual([{ one: 1 }]);
      await first.close();
      expect(initialised).toHaveLength(1);
      expect(initialised[0]).not.toBe(process.pid);
      const second = await openPgliteDb(dataDir, { onInitialised });
      await second.close();
      expect(initialised).toHaveLength(1);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  }, 120_000);
});

describe('Db on an unreachable PostgreSQL', () => {
  it('fails ping with an unavailable StorageError that names no credentials', async () => {
    const db = await openDb({ databaseUrl: 'postgres://someone:hunter2@127.0.0.1:1/nowhere', migrate: false });
    try {
      const err = await db.ping().catch((e: unknown) => e);
      expect(err).toMatchObject({ name: 'StorageError', kind: 'unavailable' });
      expect(`${(err as Error).message} ${JSON.stringify(err)}`).not.toContain('hunter2');
    } finally {
      await db.close();
    }
  });
});

describe('embedded PostgreSQL memory', () => {
  it('starts PGlite with the shared_buffers asked for (PGLITE_SHARED_BUFFERS) and the embedded settings', async () => {
    // From the shared snapshot rather than initdb, which takes many seconds on a busy machine.
    const db = await openDb({
      dataDir: 'memory://',
      pgliteSnapshot: await pgliteSnapshot('empty'),
      pgliteSharedBuffers: '16MB',
      migrate: false,
    });
    try {
      const [row] = await db.query<{ shared_buffers: string }>('SHOW shared_buffers');
      expect(row?.shared_buffers).toBe('16MB');
      // And the settings every embedded database starts with (pglite-db.ts, EMBEDDED_SETTINGS).
      const [zero] = await db.query<{ wal_init_zero: string }>('SHOW wal_init_zero');
      const [pending] = await db.query<{ gin_pending_list_limit: string }>('SHOW gin_pending_list_limit');
      expect([zero?.wal_init_zero, pending?.gin_pending_list_limit]).toEqual(['off', '256kB']);
    } finally {
      await db.close();
    }
  }, 60_000);
});
