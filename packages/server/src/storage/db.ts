import { migrate } from './migrate';
import { StorageError } from './storage-error';

/**
 * Something SQL can be sent to: the database itself or an open transaction. Repositories take one
 * of these, so a domain service can run several repositories inside one transaction.
 *
 * Parameters are `$1, $2, …`. A query without parameters may hold several statements (used by
 * migrations); the rows of the last one are returned. `int8` and `numeric` come back as numbers,
 * `timestamptz` as `Date`, `jsonb` parsed, arrays as arrays, on both engines.
 */
export interface Queryable {
  query<T = Record<string, unknown>>(text: string, params?: readonly unknown[]): Promise<T[]>;
}

export type DbKind = 'pglite' | 'postgres';

/**
 * Where a transaction's wall time went, filled in by `transaction` when asked (the write pipeline's
 * flush phases, docs/decisions.md "PostgreSQL stalls"): `startMs` from the call to the first statement
 * of `fn` (a pool connection, or PGlite's lock, and BEGIN), `commitMs` COMMIT's round trip (on
 * PostgreSQL the WAL flush and its fsync).
 */
export interface TransactionTimings {
  startMs: number;
  commitMs: number;
}

/**
 * The database. Errors are always StorageError (see storage-error.ts) so no SQL reaches logs or clients.
 *
 * Inside `transaction(fn)`, use only `tx`: calling the Db itself from inside its own transaction
 * throws a `misuse` StorageError, because on PGlite (one connection) it would wait for itself forever,
 * and on PostgreSQL it would silently run outside the transaction.
 */
export interface Db extends Queryable {
  readonly kind: DbKind;
  /**
   * Commits when `fn` resolves, rolls back and rethrows `fn`'s error unchanged when it rejects.
   * `timings`, when given, is filled in as the transaction goes.
   */
  transaction<T>(fn: (tx: Queryable) => Promise<T>, timings?: TransactionTimings): Promise<T>;
  /** Resolves when the database answers; rejects with an `unavailable` StorageError otherwise. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export interface OpenDbOptions {
  /** PostgreSQL connection string; when set, PostgreSQL is used and `dataDir` is ignored. */
  databaseUrl?: string;
  /** Folder for embedded PGlite data (stored in `${dataDir}/pg`), or `memory://` for an in-memory database. Default `./data`. */
  dataDir?: string;
  /** In-memory PGlite only: start from this data-directory dump (see PgliteDb.dumpDataDir) instead of an empty cluster. */
  pgliteSnapshot?: Blob;
  /** Apply pending migrations before returning (default true). */
  migrate?: boolean;
  /** PGlite's shared_buffers, e.g. `32MB` (PGlite's own default is 128MB). */
  pgliteSharedBuffers?: string;
  /** PGlite on disk: freeze template0 and template1 at open when older than this many transactions (storage/pglite-db.ts). */
  pgliteFreezeOthersAge?: number;
  /** Told which of those databases were frozen at open, and how long it took. */
  onPgliteOthersFrozen?: (databases: string[], ms: number) => void;
  /** PostgreSQL pool size (default 10). */
  maxConnections?: number;
  /** Called when an idle PostgreSQL connection fails; the pool replaces it on its own. */
  onBackgroundError?: (err: StorageError) => void;
}

/** Opens PostgreSQL when `databaseUrl` is set, embedded PGlite otherwise, and brings the schema up to date. */
export async function openDb(opts: OpenDbOptions = {}): Promise<Db> {
  let db: Db;
  if (opts.databaseUrl) {
    const { openPostgresDb } = await import('./postgres-db');
    db = openPostgresDb(opts.databaseUrl, { maxConnections: opts.maxConnections, onBackgroundError: opts.onBackgroundError });
  } else {
    // Loaded lazily: PGlite's WebAssembly bundle is large and unused when PostgreSQL is configured.
    const { openPgliteDb } = await import('./pglite-db');
    db = await openPgliteDb(opts.dataDir ?? './data', {
      loadDataDir: opts.pgliteSnapshot,
      sharedBuffers: opts.pgliteSharedBuffers,
      freezeOthersAge: opts.pgliteFreezeOthersAge,
      onOthersFrozen: opts.onPgliteOthersFrozen,
    });
  }
  if (opts.migrate !== false) {
    try {
      await migrate(db);
    } catch (err) {
      await db.close().catch(() => undefined);
      throw err;
    }
  }
  return db;
}
