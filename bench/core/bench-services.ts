/**
 * The outside services some Switchboard targets run on: PostgreSQL
 * (BENCH_DATABASE_URL, default the machine's 127.0.0.1:5432/test, as the tests
 * use) and Redis (BENCH_REDIS_URL, default 127.0.0.1:6379). Each target start
 * gets a database of its own, dropped when it stops, and a Redis key prefix of
 * its own.
 */
import { randomBytes } from 'node:crypto';

import pg from 'pg';
import { createClient } from 'redis';

export const BENCH_DATABASE_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
export const BENCH_REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';

async function adminQuery(sql: string, params: unknown[] = []): Promise<pg.QueryResult> {
  const client = new pg.Client({ connectionString: BENCH_DATABASE_URL, connectionTimeoutMillis: 2000 });
  await client.connect();
  try {
    return await client.query(sql, params);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Why PostgreSQL cannot be used, or null. */
export async function postgresUnavailable(): Promise<string | null> {
  try {
    await adminQuery('SELECT 1');
    return null;
  } catch (err) {
    return `PostgreSQL not reachable at BENCH_DATABASE_URL (${err instanceof Error ? err.message : String(err)})`;
  }
}

/** Why Redis cannot be used, or null. */
export async function redisUnavailable(): Promise<string | null> {
  const client = createClient({ url: BENCH_REDIS_URL, socket: { connectTimeout: 2000, reconnectStrategy: false } });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.ping();
    return null;
  } catch (err) {
    return `Redis not reachable at BENCH_REDIS_URL (${err instanceof Error ? err.message : String(err)})`;
  } finally {
    await client.quit().catch(() => undefined);
  }
}

export interface BenchDatabase {
  url: string;
  /** The PostgreSQL backends serving it now. */
  backendPids: () => Promise<number[]>;
  drop: () => Promise<void>;
}

/** An empty database for one target start; `drop` removes it, disconnecting whoever is still in. */
export async function createBenchDatabase(): Promise<BenchDatabase> {
  const name = `sb_bench_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  await adminQuery(`CREATE DATABASE ${name}`);
  const url = new URL(BENCH_DATABASE_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    backendPids: async () =>
      (await adminQuery('SELECT pid FROM pg_stat_activity WHERE datname = $1', [name])).rows.map((r: { pid: unknown }) => Number(r.pid)),
    drop: async () => void (await adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)),
  };
}

/** The pid of the Redis server, when it runs on this machine and says so. */
export async function redisServerPid(): Promise<number | null> {
  const client = createClient({ url: BENCH_REDIS_URL, socket: { connectTimeout: 2000, reconnectStrategy: false } });
  client.on('error', () => undefined);
  try {
    await client.connect();
    const info = await client.info('server');
    const pid = /process_id:(\d+)/.exec(info)?.[1];
    return pid ? Number(pid) : null;
  } catch {
    return null;
  } finally {
    await client.quit().catch(() => undefined);
  }
}

/** A Redis key and channel prefix no other run shares. */
export function benchRedisPrefix(): string {
  return `sb-bench-${randomBytes(4).toString('hex')}`;
}
