import { createAdapter as createNodeClusterAdapter } from '@socket.io/cluster-adapter';
import { createShardedAdapter } from '@socket.io/redis-adapter';
import { createAdapter as createStreamsAdapter } from '@socket.io/redis-streams-adapter';

import type { Logger } from '../log';
import { closeRedis, connectRedis, type RedisClient } from './redis-connection';

export type RedisAdapterKind = 'sharded' | 'streams';

/** What Socket.IO's `adapter` option takes: a factory of one adapter per namespace. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AdapterFactory = (nsp: any) => any;

export interface SocketAdapter {
  factory: AdapterFactory;
  close(): Promise<void>;
}

/**
 * The Socket.IO adapter across nodes, over Redis. Domain events do not travel through it (each node
 * emits them to its own sockets, see realtime/broadcaster.ts); it serves what needs every node's
 * sockets: `fetchSockets`, `socketsJoin`/`socketsLeave`, `disconnectSockets`, `serverSideEmit`.
 *
 * - `sharded` (default, see docs/decisions.md): @socket.io/redis-adapter on sharded pub/sub (Redis 7),
 *   `static` subscriptions (two channels per namespace, none per room), so joining a room costs no
 *   Redis round trip and works while Redis is away.
 * - `streams`: @socket.io/redis-streams-adapter, one stream the nodes read with XREAD.
 */
export async function redisSocketAdapter(url: string, prefix: string, kind: RedisAdapterKind, log: Logger): Promise<SocketAdapter> {
  const clients: RedisClient[] = [];
  const open = async (name: string) => {
    const c = await connectRedis(url, { name, log });
    clients.push(c);
    return c;
  };
  const pub = await open('adapter');
  let factory: AdapterFactory;
  if (kind === 'sharded') {
    const sub = await open('adapter-subscribe');
    factory = createShardedAdapter(pub, sub, { channelPrefix: `${prefix}:sio`, subscriptionMode: 'static' });
  } else {
    factory = createStreamsAdapter(pub, {
      streamName: `${prefix}:sio`,
      channelPrefix: `${prefix}:sio`,
      sessionKeyPrefix: `${prefix}:sio:session:`,
      onlyPlaintext: true,
    });
  }
  return {
    factory,
    async close() {
      await Promise.allSettled(clients.map((c) => closeRedis(c)));
    },
  };
}

/** Between the workers of one machine (`WORKERS` > 1, no Redis): the primary runs `setupPrimary()`. */
export function nodeClusterSocketAdapter(): SocketAdapter {
  return { factory: createNodeClusterAdapter(), close: async () => undefined };
}
