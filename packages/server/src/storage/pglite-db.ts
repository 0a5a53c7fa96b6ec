import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';

import { PGlite, type Transaction, types } from '@electric-sql/pglite';

import type { Db, Queryable, TransactionTimings } from './db';
import { PglitePrepared } from './pglite-prepared';
import { StorageError, toStorageError, wrapDriverFailure } from './storage-error';
import { TransactionScope } from './transaction-scope';

interface PgliteRunner {
  query<T>(text: string, params?: unknown[]): Promise<{ rows: T[] }>;
  exec(text: string): Promise<Array<{ rows: unknown[] }>>;
}

/** Runs a parameterised statement prepared; null when it cannot be (see PglitePrepared). */
type Prepare = <T>(text: string, params: readonly unknown[]) => Promise<T[] | null>;

async function run<T>(target: PgliteRunner, prepare: Prepare, text: string, params?: readonly unknown[]): Promise<T[]> {
  try {
    if (params && params.length > 0) return (await prepare<T>(text, params)) ?? (await target.query<T>(text, [...params])).rows;
    // The simple protocol, like pg does for parameterless queries, so a migration may hold several statements.
    const results = await target.exec(text);
    return (results[results.length - 1]?.rows ?? []) as T[];
  } catch (err) {
    throw wrapDriverFailure(err);
  }
}

export interface PgliteDb extends Db {
  readonly kind: 'pglite';
  /** The whole data directory as an uncompressed tarball, loadable with `loadDataDir`. */
  dumpDataDir(): Promise<Blob>;
}

export interface PgliteDbOptions {
  /** Start an in-memory database from a dump instead of running initdb (a migrated template makes tests start fast). */
  loadDataDir?: Blob;
  /** PostgreSQL's shared_buffers (`32MB`); PGlite's default otherwise. */
  sharedBuffers?: string;
  /**
   * On disk: the other databases of the cluster (template0, template1) whose age(datfrozenxid) passed
   * this are frozen before the database is used (see {@link freezeOtherDatabases}); unset: never.
   */
  freezeOthersAge?: number;
  /** Told which databases were frozen at open, and how long it took. */
  onOthersFrozen?: (databases: string[], ms: number) => void;
  /** Told that a new data directory was initialised, by which process, and how long it took. */
  onInitialised?: (pid: number, ms: number) => void;
}

/**
 * Runs initdb for a new on-disk data directory in a short-lived process of its own. In the server's
 * process it left the embedded engine's memory at the size initdb needed: 816 MB resident for the
 * whole life of a first start, against ~250 MB for every later start of the same directory
 * (docs/decisions.md, "A first start's memory"). Closing that instance and opening another gave back
 * only part of it (366 against 193 MB in a bare script). The child imports the same PGlite module.
 */
async function initialiseApart(location: string, onInitialised?: (pid: number, ms: number) => void): Promise<void> {
  if (existsSync(path.join(location, 'PG_VERSION'))) return;
  const started = performance.now();
  const module = import.meta.resolve('@electric-sql/pglite');
  const script = `const { PGlite } = await import(${JSON.stringify(module)});
const db = await PGlite.create(${JSON.stringify(location)});
await db.close();`;
  const child = spawn(process.execPath, ['--input-type=module', '--eval', script], { stdio: ['ignore', 'ignore', 'pipe'] });
  let errors = '';
  child.stderr.on('data', (chunk: Buffer) => (errors = (errors + chunk.toString()).slice(-2_000)));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', resolve);
  });
  if (code !== 0) throw new Error(`initdb in ${location} failed (exit ${code}): ${errors.trim()}`);
  onInitialised?.(child.pid ?? -1, performance.now() - started);
}

/**
 * Settings that spare the embedded database work it would do in the middle of a flush, on the thread
 * that also serves every socket (docs/decisions.md, "Embedded chat latency"):
 * - `wal_init_zero=off`: a new 16 MB WAL segment is created without first being written full of
 *   zeros (which only reserves disk space ahead; a full disk then shows on a WAL write instead). At
 *   ~3.9 kB of WAL a message, zero-filling happened every ~4,000 messages and took ~50 ms of CPU.
 * - `gin_pending_list_limit=256kB`: the full-text index's list of pending entries is merged into
 *   the index in small steps (~7 ms) instead of 4 MB at once (~115 ms, every ~27,000 messages); no
 *   autovacuum runs here to do it in the background.
 */
const EMBEDDED_SETTINGS = ['wal_init_zero=off', 'gin_pending_list_limit=256kB'];

/**
 * Freezes the cluster's other databases when they are older than `age`, and returns their names; when
 * it does, `main` is closed on the way and must be opened again.
 *
 * PostgreSQL stops assigning transaction ids ~2.1 billion after the oldest datfrozenxid of *any*
 * database, and only a connection to a database can freeze it. PGlite is one backend connected to
 * `postgres`: VACUUM there never moves template0's and template1's datfrozenxid (initdb's), so
 * without this the stop comes at the same time however often the vacuum job freezes `postgres`
 * (docs/decisions.md, "Vacuuming the embedded database"). PGlite runs PostgreSQL in single-user
 * mode, which may connect to template0 although it does not allow connections; its tables were
 * frozen by initdb, so VACUUM (FREEZE) there only reads them and moves datfrozenxid.
 */
async function freezeOtherDatabases(main: PGlite, location: string, startParams: string[], age: number): Promise<string[]> {
  const old = await main.query<{ datname: string }>(
    'SELECT datname FROM pg_database WHERE datname <> current_database() AND age(datfrozenxid) > $1 ORDER BY datname',
    [age],
  );
  if (old.rows.length === 0) return [];
  await main.close();
  for (const { datname } of old.rows) {
    const other = await PGlite.create(location, { database: datname, startParams });
    try {
      await other.exec('VACUUM (FREEZE)');
    } finally {
      await other.close();
    }
  }
  return old.rows.map((r) => r.datname);
}

/**
 * Embedded PostgreSQL. PGlite has one connection and serialises work itself: `query` and `exec` take
 * the same lock as `transaction`, which holds it from BEGIN to COMMIT, so statements of concurrent
 * callers queue up behind an open transaction instead of running inside it. Statements sent through
 * the transaction handle bypass that lock, which is why only `tx` may be used inside `transaction`.
 */
export async function openPgliteDb(dataDir: string, opts: PgliteDbOptions = {}): Promise<PgliteDb> {
  let location: string;
  if (dataDir === 'memory://') {
    location = 'memory://';
  } else {
    location = path.resolve(dataDir, 'pg');
    await mkdir(location, { recursive: true });
  }
  const startParams = [
    ...PGlite.defaultStartParams,
    ...[...EMBEDDED_SETTINGS, ...(opts.sharedBuffers ? [`shared_buffers=${opts.sharedBuffers}`] : [])].flatMap((s) => ['-c', s]),
  ];
  const open = () =>
    PGlite.create(location, {
      ...(opts.loadDataDir && location === 'memory://' ? { loadDataDir: opts.loadDataDir } : {}),
      startParams,
      parsers: { [types.INT8]: (v: string) => Number(v), [types.NUMERIC]: (v: string) => Number(v) },
    });
  let pglite: PGlite;
  try {
    if (location !== 'memory://') await initialiseApart(location, opts.onInitialised);
    pglite = await open();
    if (opts.freezeOthersAge !== undefined && location !== 'memory://') {
      const started = performance.now();
      const frozen = await freezeOtherDatabases(pglite, location, startParams, opts.freezeOthersAge);
      if (frozen.length > 0) {
        pglite = await open();
        opts.onOthersFrozen?.(frozen, performance.now() - started);
      }
    }
  } catch (err) {
    throw new StorageError('unavailable', { driverError: err, message: `storage: cannot open embedded database in ${location}` });
  }
  const scope = new TransactionScope();
  const prepared = new PglitePrepared(pglite);
  // The locks PGlite's own `query` takes: the transaction lock (unless inside one, which holds it) and the query lock.
  const prepareOutside: Prepare = (text, params) =>
    pglite._runExclusiveTransaction(() => pglite._runExclusiveQuery(() => prepared.query(text, params, true)));
  const prepareInside: Prepare = (text, params) => pglite._runExclusiveQuery(() => prepared.query(text, params, false));

  return {
    kind: 'pglite',

    async query<T>(text: string, params?: readonly unknown[]): Promise<T[]> {
      scope.assertOutside();
      return run<T>(pglite, prepareOutside, text, params);
    },

    async transaction<T>(fn: (tx: Queryable) => Promise<T>, timings?: TransactionTimings): Promise<T> {
      scope.assertOutside();
      const called = performance.now();
      let committing = 0;
      try {
        const result = await scope.run(() =>
          pglite.transaction(async (t: Transaction) => {
            if (timings) timings.startMs = performance.now() - called;
            const tx: Queryable = { query: <R>(text: string, params?: readonly unknown[]) => run<R>(t, prepareInside, text, params) };
            const value = await fn(tx);
            committing = performance.now();
            return value;
          }),
        );
        // PGlite sends BEGIN inside its lock, before `fn`: it counts in startMs; COMMIT follows `fn`.
        if (timings) timings.commitMs = performance.now() - committing;
        return result;
      } catch (err) {
        // Errors from `fn` (including its own StorageErrors) pass through; BEGIN/COMMIT failures get wrapped.
        throw toStorageError(err);
      }
    },

    async ping(): Promise<void> {
      try {
        await pglite.query('SELECT 1');
      } catch (err) {
        throw new StorageError('unavailable', { driverError: err });
      }
    },

    async close(): Promise<void> {
      if (!pglite.closed) await pglite.close();
    },

    async dumpDataDir(): Promise<Blob> {
      return pglite.dumpDataDir('none');
    },
  };
}
