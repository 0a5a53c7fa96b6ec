import { mkdir } from 'node:fs/promises';
import path from 'node:path';

import { PGlite, type Transaction, types } from '@electric-sql/pglite';

import type { Db, Queryable } from './db';
import { StorageError, toStorageError, wrapDriverFailure } from './storage-error';
import { TransactionScope } from './transaction-scope';

interface PgliteRunner {
  query<T>(text: string, params?: unknown[]): Promise<{ rows: T[] }>;
  exec(text: string): Promise<Array<{ rows: unknown[] }>>;
}

async function run<T>(target: PgliteRunner, text: string, params?: readonly unknown[]): Promise<T[]> {
  try {
    if (params && params.length > 0) return (await target.query<T>(text, [...params])).rows;
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
  let pglite: PGlite;
  try {
    pglite = await PGlite.create(location, {
      ...(opts.loadDataDir && location === 'memory://' ? { loadDataDir: opts.loadDataDir } : {}),
      ...(opts.sharedBuffers ? { startParams: [...PGlite.defaultStartParams, '-c', `shared_buffers=${opts.sharedBuffers}`] } : {}),
      parsers: { [types.INT8]: (v: string) => Number(v), [types.NUMERIC]: (v: string) => Number(v) },
    });
  } catch (err) {
    throw new StorageError('unavailable', { driverError: err, message: `storage: cannot open embedded database in ${location}` });
  }
  const scope = new TransactionScope();

  return {
    kind: 'pglite',

    async query<T>(text: string, params?: readonly unknown[]): Promise<T[]> {
      scope.assertOutside();
      return run<T>(pglite, text, params);
    },

    async transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
      scope.assertOutside();
      try {
        return await scope.run(() =>
          pglite.transaction(async (t: Transaction) => {
            const tx: Queryable = { query: <R>(text: string, params?: readonly unknown[]) => run<R>(t, text, params) };
            return fn(tx);
          }),
        );
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
