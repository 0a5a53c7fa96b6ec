import { mkdtemp, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import { describe, expect, it } from 'vitest';

import { AccountsRepo, isUniqueViolation, migrate, openDb, StorageError } from '../../src/storage/index';
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
  it('starts PGlite with the shared_buffers asked for (PGLITE_SHARED_BUFFERS)', async () => {
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
    } finally {
      await db.close();
    }
  }, 60_000);
});
