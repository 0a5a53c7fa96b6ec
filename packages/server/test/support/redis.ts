import { execSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createConnection } from 'node:net';

import { closeRedis, connectRedis, type RedisClient } from '../../src/cluster/redis-connection';
import { createLogger } from '../../src/log';

/**
 * Redis for tests (TEST_REDIS_URL, default 127.0.0.1:6379), mirroring databases.ts: without Redis the
 * Redis variants are skipped with a line saying so; under CI=true Redis is started if needed, and a
 * Redis that still cannot be reached fails the run instead. Tests share the server and keep apart
 * by key prefix ({@link uniqueRedisPrefix}).
 */
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const IN_CI = process.env.CI === 'true';
const START_REDIS =
  'redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no --dir /var/lib/redis --logfile /var/log/redis/ci.log';

/** Answers PONG on a raw connection: no client library, no reconnect loop to stop. */
export function redisAnswers(url: string, timeoutMs = 1_000): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = createConnection({ host: hostname, port: Number(port || 6379) });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (chunk) => done(chunk.toString().startsWith('+PONG')));
  });
}

async function detectRedis(): Promise<boolean> {
  if (await redisAnswers(TEST_REDIS_URL)) return true;
  if (!IN_CI) {
    console.warn(`[tests] Redis not reachable at ${TEST_REDIS_URL}: skipping the Redis variants (CI=true requires them).`);
    return false;
  }
  try {
    execSync(START_REDIS, { stdio: 'inherit', shell: '/bin/sh' });
  } catch {
    // Already running but not answering, or not installed: the retries below decide.
  }
  for (let attempt = 0; attempt < 30; attempt += 1) {
    if (await redisAnswers(TEST_REDIS_URL)) return true;
    // Polling an outside process (redis-server), which has no event to wait for.
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(`CI=true and Redis is not reachable at ${TEST_REDIS_URL}, even after trying to start it`);
}

export const redisAvailable: boolean = await detectRedis();

/** A key prefix of one's own, so parallel test files never see each other's keys or channels. */
export function uniqueRedisPrefix(label = 'test'): string {
  return `sbtest:${label}:${randomBytes(4).toString('hex')}`;
}

export function openTestRedis(url = TEST_REDIS_URL): Promise<RedisClient> {
  return connectRedis(url, { name: 'test', log: createLogger('silent') });
}

/** Deletes every key under `prefix` and closes the client. */
export async function dropRedisPrefix(client: RedisClient, prefix: string): Promise<void> {
  const keys: string[] = [];
  for await (const batch of client.scanIterator({ MATCH: `${prefix}*`, COUNT: 500 })) keys.push(...batch);
  if (keys.length) await client.del(keys);
  await closeRedis(client);
}

/**
 * A Redis server of the test's own on `port`, which the test may stop and start (a restart must
 * not disturb the other tests' Redis). Not persistent: a restart loses every key, as a crash would.
 */
export class PrivateRedis {
  readonly url: string;

  constructor(readonly port: number) {
    this.url = `redis://127.0.0.1:${port}`;
  }

  async start(): Promise<void> {
    const res = spawnSync('redis-server', [
      '--port',
      String(this.port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
      '--daemonize',
      'yes',
      '--dir',
      '/tmp',
      '--logfile',
      `/tmp/switchboard-test-redis-${this.port}.log`,
      '--pidfile',
      `/tmp/switchboard-test-redis-${this.port}.pid`,
    ]);
    if (res.status !== 0) throw new Error(`redis-server on ${this.port} did not start: ${res.stderr.toString()}`);
    for (let i = 0; i < 100; i++) {
      if (await redisAnswers(this.url, 200)) return;
      // Polling an outside process (redis-server), which has no event to wait for.
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`redis-server on ${this.port} does not answer`);
  }

  /** `shutdown nosave`: gone at once, with everything it held. */
  async stop(): Promise<void> {
    spawnSync('redis-cli', ['-p', String(this.port), 'shutdown', 'nosave']);
    for (let i = 0; i < 100; i++) {
      if (!(await redisAnswers(this.url, 100))) return;
      // Polling an outside process (redis-server), which has no event to wait for.
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}
