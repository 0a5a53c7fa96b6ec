import cluster from 'node:cluster';

import { type Clock, systemClock } from '../clock';
import type { Config } from '../config';
import type { Logger } from '../log';
import { ClusterIpcEventRelay } from './cluster-ipc-event-relay';
import { type EventRelay, LocalEventRelay } from './event-relay';
import { type GcraStore, withLocalFallback } from './gcra-store';
import { MemoryPresenceStore, type PresenceStore, type PresenceStoreOptions } from './presence-store';
import { storeInPrimary } from './primary-store-proxy';
import { quietErrors } from './quiet-errors';
import { closeRedis, connectRedis, type RedisClient } from './redis-connection';
import { RedisEventRelay } from './redis-event-relay';
import { RedisGcraStore } from './redis-gcra-store';
import { RedisPresenceStore } from './redis-presence-store';
import { RedisTypingTimers } from './redis-typing-timers';
import { type AdapterFactory, nodeClusterSocketAdapter, redisSocketAdapter } from './socket-adapter';
import { MemoryTypingTimers, type TypingTimers } from './typing-timers';

export type ClusterMode = 'single' | 'redis' | 'workers' | 'in-process';

/**
 * Everything that differs between one node and several, chosen once from the configuration:
 * - `single`: one process, all in memory (the zero-setup default);
 * - `redis` (REDIS_URL): facts relayed over Redis pub/sub, presence, typing timers and rate limits in
 *   Redis, the Socket.IO Redis adapter; any number of machines and workers;
 * - `workers` (WORKERS > 1 without Redis): facts relayed through the primary, presence, typing
 *   timers and rate limits held by the primary, the Socket.IO cluster adapter;
 * - `in-process`: several servers in one process sharing a relay hub (tests).
 */
export interface ClusterKit {
  readonly mode: ClusterMode;
  /** Whether other nodes may exist: the outbox tailer runs and connection state recovery is off. */
  readonly clustered: boolean;
  relay: EventRelay;
  presenceStore: PresenceStore;
  typingTimers: TypingTimers;
  ticketTypingTimers: TypingTimers;
  /** Rate limit budgets shared by the nodes; undefined: this node's memory. */
  rateLimitStore?: GcraStore;
  socketAdapter?: AdapterFactory;
  /** The command connection, for other shared state (SLA timers, throttles) that wants one. */
  redis?: RedisClient;
  /** Extra /readyz checks. */
  readiness: Array<{ name: string; check: () => Promise<void> }>;
  close(): Promise<void>;
}

export interface ClusterKitOverrides {
  /** Use this relay (an InProcessRelayHub member) instead of what the configuration says. */
  relay?: EventRelay;
  /** The time typing deadlines follow (the workers' shared timers keep the primary's). */
  clock?: Clock;
}

/** Names of the shared stores the primary serves to its workers (see main.ts). */
export const PRIMARY_STORES = { presence: 'presence', typing: 'typing', ticketTyping: 'ticket-typing', rateLimits: 'rate-limits' } as const;

export async function openClusterKit(config: Config, log: Logger, overrides: ClusterKitOverrides = {}): Promise<ClusterKit> {
  const presenceOpts: Partial<PresenceStoreOptions> = { connectionTtlMs: config.PRESENCE_TTL_MS, graceMs: config.PRESENCE_GRACE_MS };
  const clock = overrides.clock ?? systemClock;
  if (config.REDIS_URL) return openRedisKit(config.REDIS_URL, config, log, presenceOpts, clock);
  if (overrides.relay) {
    return {
      ...memoryStores(presenceOpts, clock),
      mode: 'in-process',
      clustered: overrides.relay.clustered,
      relay: overrides.relay,
      readiness: [],
      close: () => overrides.relay!.close(),
    };
  }
  if (config.WORKERS > 1 && cluster.isWorker) return openWorkersKit(presenceOpts, log);
  return {
    ...memoryStores(presenceOpts, clock),
    mode: 'single',
    clustered: false,
    relay: new LocalEventRelay(),
    readiness: [],
    close: async () => undefined,
  };
}

function memoryStores(presenceOpts: Partial<PresenceStoreOptions>, clock: Clock) {
  const now = () => clock.now();
  return {
    presenceStore: new MemoryPresenceStore(presenceOpts),
    typingTimers: new MemoryTypingTimers(now),
    ticketTypingTimers: new MemoryTypingTimers(now),
  };
}

async function openRedisKit(
  url: string,
  config: Config,
  log: Logger,
  presenceOpts: Partial<PresenceStoreOptions>,
  clock: Clock,
): Promise<ClusterKit> {
  const prefix = config.REDIS_PREFIX;
  // Fail fast while Redis is away: a queue would hold handshakes, typing and /readyz until it is back.
  const redis = await connectRedis(url, { name: 'commands', log, failFast: true });
  const relay = await RedisEventRelay.open(url, prefix, log);
  const adapter = await redisSocketAdapter(url, prefix, config.REDIS_ADAPTER, log);
  return {
    mode: 'redis',
    clustered: true,
    relay,
    presenceStore: new RedisPresenceStore(redis, prefix, presenceOpts),
    typingTimers: new RedisTypingTimers(redis, `${prefix}:typing`, () => clock.now()),
    ticketTypingTimers: new RedisTypingTimers(redis, `${prefix}:ticket-typing`, () => clock.now()),
    // Each node counts alone in memory while Redis is away, rather than refusing every event.
    rateLimitStore: withLocalFallback(
      new RedisGcraStore(redis, `${prefix}:rl`),
      quietErrors(log)('rate limit store failed; limiting per node'),
    ),
    socketAdapter: adapter.factory,
    redis,
    readiness: [
      {
        name: 'redis',
        check: async () => {
          if (!redis.isReady) throw new Error('redis is not connected');
          const answer = await Promise.race([redis.ping(), new Promise((resolve) => setTimeout(resolve, 1_000, 'timeout').unref())]);
          if (answer !== 'PONG') throw new Error('redis did not answer PONG');
        },
      },
    ],
    async close() {
      await relay.close();
      await adapter.close();
      await closeRedis(redis);
    },
  };
}

function openWorkersKit(presenceOpts: Partial<PresenceStoreOptions>, log: Logger): ClusterKit {
  void presenceOpts; // the primary's store has its options (main.ts)
  // The cluster adapter listens on `process` once per namespace (about ten), besides the event relay,
  // the store replies and the sticky hand-over: that is by design, not a leak. Raise the warning's
  // threshold above it, still low enough that a listener added per socket or per call would show.
  process.setMaxListeners(Math.max(process.getMaxListeners(), 32));
  const presenceStore = storeInPrimary<PresenceStore>(PRIMARY_STORES.presence, [
    'connect',
    'disconnect',
    'settle',
    'setStatus',
    'get',
    'list',
    'statuses',
    'heartbeat',
    'sweep',
    'close',
  ]);
  const timers = (name: string) => storeInPrimary<TypingTimers>(name, ['arm', 'disarm', 'disarmOwner', 'takeExpired', 'close']);
  const relay = new ClusterIpcEventRelay();
  return {
    mode: 'workers',
    clustered: true,
    relay,
    presenceStore,
    typingTimers: timers(PRIMARY_STORES.typing),
    ticketTypingTimers: timers(PRIMARY_STORES.ticketTyping),
    rateLimitStore: withLocalFallback(
      storeInPrimary<GcraStore>(PRIMARY_STORES.rateLimits, ['take'], 3_000),
      quietErrors(log)('rate limit store failed; limiting per worker'),
    ),
    socketAdapter: nodeClusterSocketAdapter().factory,
    readiness: [],
    close: () => relay.close(),
  };
}
