import { createHash } from 'node:crypto';

import pg from 'pg';

import type { Db, Queryable, TransactionTimings } from './db';
import { StorageError, wrapDriverFailure } from './storage-error';
import { TransactionScope } from './transaction-scope';

const INT8_OID = 20;
const NUMERIC_OID = 1700;

/**
 * int8 (bigserial sequence numbers, credit balances) and numeric become numbers, as PGlite does:
 * our values stay far below 2^53 and the wire models use numbers. Other types keep pg's defaults
 * (timestamptz → Date, jsonb → parsed, text[] → string[]).
 */
const types: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
    if (oid === INT8_OID || oid === NUMERIC_OID) return (value: string) => Number(value);
    return pg.types.getTypeParser(oid, format) as (value: string) => unknown;
  }) as pg.CustomTypesConfig['getTypeParser'],
};

function rowsOf<T>(result: pg.QueryResult | pg.QueryResult[]): T[] {
  // A parameterless query with several statements yields one result per statement.
  const last = Array.isArray(result) ? result[result.length - 1] : result;
  return (last?.rows ?? []) as T[];
}

/**
 * Parameterised statements are prepared once per connection under a name derived from their text,
 * so PostgreSQL parses and plans the send path's statements once instead of on every call
 * (docs/decisions.md, "Prepared statements"). The repositories' texts are a fixed set; past
 * MAX_NAMED distinct texts, the rest run unnamed, so a caller building texts cannot grow every
 * connection's statement cache without bound.
 */
const MAX_NAMED = 1_000;
const statementNames = new Map<string, string>();

function statementName(text: string): string | undefined {
  let name = statementNames.get(text);
  if (name === undefined && statementNames.size < MAX_NAMED) {
    name = `sb_${createHash('sha1').update(text).digest('hex').slice(0, 20)}`;
    statementNames.set(text, name);
  }
  return name;
}

async function run<T>(client: pg.Pool | pg.PoolClient, text: string, params?: readonly unknown[]): Promise<T[]> {
  try {
    const result =
      params && params.length > 0
        ? await client.query({ name: statementName(text), text, values: params as unknown[] })
        : await client.query(text);
    return rowsOf<T>(result as pg.QueryResult | pg.QueryResult[]);
  } catch (err) {
    throw wrapDriverFailure(err);
  }
}

export interface PostgresDbOptions {
  maxConnections?: number;
  onBackgroundError?: (err: StorageError) => void;
}

export function openPostgresDb(databaseUrl: string, opts: PostgresDbOptions = {}): Db {
  const pool = new pg.Pool({
    connectionString: databaseUrl,
    max: opts.maxConnections ?? 10,
    connectionTimeoutMillis: 10_000,
    idleTimeoutMillis: 30_000,
    types,
  });
  // Without a listener, an idle connection dropped by the server would crash the process.
  pool.on('error', (err) => opts.onBackgroundError?.(wrapDriverFailure(err)));
  const scope = new TransactionScope();

  return {
    kind: 'postgres',

    async query<T>(text: string, params?: readonly unknown[]): Promise<T[]> {
      scope.assertOutside();
      return run<T>(pool, text, params);
    },

    async transaction<T>(fn: (tx: Queryable) => Promise<T>, timings?: TransactionTimings): Promise<T> {
      scope.assertOutside();
      const called = performance.now();
      let client: pg.PoolClient;
      try {
        client = await pool.connect();
      } catch (err) {
        throw wrapDriverFailure(err);
      }
      const tx: Queryable = { query: <R>(text: string, params?: readonly unknown[]) => run<R>(client, text, params) };
      let broken: unknown;
      try {
        await run(client, 'BEGIN');
        if (timings) timings.startMs = performance.now() - called;
        const result = await scope.run(() => fn(tx));
        const committing = performance.now();
        await run(client, 'COMMIT');
        if (timings) timings.commitMs = performance.now() - committing;
        return result;
      } catch (err) {
        try {
          await client.query('ROLLBACK');
        } catch (rollbackErr) {
          // The connection is unusable; make the pool discard it rather than hand it out again.
          broken = rollbackErr instanceof Error ? rollbackErr : new Error('rollback failed');
        }
        throw err;
      } finally {
        client.release(broken as Error | undefined);
      }
    },

    async ping(): Promise<void> {
      try {
        await pool.query('SELECT 1');
      } catch (err) {
        const wrapped = wrapDriverFailure(err);
        throw wrapped.kind === 'unavailable' ? wrapped : new StorageError('unavailable', { code: wrapped.code, driverError: err });
      }
    },

    async close(): Promise<void> {
      await pool.end();
    },
  };
}
