import { createClient } from 'redis';

import type { Logger } from '../log';

function makeClient(url: string, failFast: boolean) {
  return createClient({
    url,
    disableOfflineQueue: failFast,
    socket: { reconnectStrategy: (attempt: number) => Math.min(100 * 2 ** Math.min(attempt, 5), 2_000), connectTimeout: 2_000 },
  });
}

export type RedisClient = ReturnType<typeof makeClient>;

export interface RedisConnectOptions {
  /** Shown in logs: which of the node's connections this is. */
  name: string;
  log: Logger;
  /**
   * Reject commands at once while disconnected instead of queueing them until Redis is back. For
   * traffic that has another path (the relay: the outbox tailer) or a fallback (rate limits), a
   * queue would only replay stale work after an outage.
   */
  failFast?: boolean;
  /** How long start-up waits for Redis before giving up. */
  connectTimeoutMs?: number;
}

/**
 * A node-redis client that reconnects by itself (backing off to 2 s) and logs a lost and a regained
 * connection once each, rather than one line per failed attempt during an outage.
 *
 * @example
 * const redis = await connectRedis('redis://127.0.0.1:6379', { name: 'commands', log });
 */
export async function connectRedis(url: string, opts: RedisConnectOptions): Promise<RedisClient> {
  const client = makeClient(url, opts.failFast ?? false);
  let down = false;
  client.on('error', (err: unknown) => {
    if (down) return;
    down = true;
    opts.log.warn({ err, redis: opts.name }, 'redis connection lost; reconnecting');
  });
  client.on('ready', () => {
    if (!down) return;
    down = false;
    opts.log.info({ redis: opts.name }, 'redis connection back');
  });
  const timeoutMs = opts.connectTimeoutMs ?? 10_000;
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`Redis at ${redactUrl(url)} not reachable within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    await Promise.race([client.connect(), timedOut]);
  } catch (err) {
    client.destroy();
    throw err;
  } finally {
    clearTimeout(timer);
  }
  return client;
}

/** Closes a client politely when it is connected, at once otherwise (QUIT would wait for a reconnect). */
export async function closeRedis(client: RedisClient): Promise<void> {
  if (!client.isOpen) return;
  if (client.isReady) await client.close().catch(() => client.destroy());
  else client.destroy();
}

/** The URL without its password, for messages. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'the configured REDIS_URL';
  }
}
