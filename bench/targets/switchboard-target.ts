import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import {
  BENCH_REDIS_URL,
  benchRedisPrefix,
  createBenchDatabase,
  postgresUnavailable,
  redisServerPid,
  redisUnavailable,
} from '../core/bench-services';
import type { RunningServer, ServerTarget, StartContext } from './server-target';
import { cleanEnv, startServerProcess } from './start-server-process';

const MAIN = 'packages/server/src/main.ts';

interface Variant {
  name: string;
  description: string;
  database: 'pglite' | 'postgres';
  /** WORKERS of each node. */
  workers: number;
  /** Separate node processes, each on its own port; more than one needs Redis. */
  nodes: number;
}

/**
 * Switchboard as an operator runs it, through the contract only: JWT in
 * `auth.token`, `GET /healthz`, `POST /internal/emit`. The chat senders of the
 * bench send 10 messages/s each, beyond the default per-socket limit (60 per
 * 10 s), so the limit is raised; it is still counted on every event.
 */
function switchboard(variant: Variant): ServerTarget {
  const needsRedis = variant.nodes > 1;
  return {
    name: variant.name,
    description: `${MAIN}: ${variant.description}, LOG_LEVEL=warn, RATE_LIMIT_POINTS=100000`,
    protocol: 'socket.io',
    chat: { conversations: 'http', joinPayload: 'object' },
    multiProcess: variant.workers > 1 || variant.nodes > 1,
    // Workers share one port through the primary; they need PostgreSQL (PGlite belongs to one process).
    ...(variant.database === 'postgres' && variant.nodes === 1 ? { spread: (n: number) => ({ WORKERS: String(n) }) } : {}),
    extraClaims: () => ({}),
    unavailableReason: async (cwd) => {
      if (!existsSync(join(cwd, MAIN))) return `${MAIN} does not exist yet`;
      if (variant.database === 'postgres') {
        const why = await postgresUnavailable();
        if (why) return why;
      }
      return needsRedis ? redisUnavailable() : null;
    },
    start: async (ctx) => {
      const cleanups: Array<() => Promise<void>> = [];
      const nodes: RunningServer[] = [];
      const services: Array<() => Promise<number[]>> = [];
      const stopAll = async () => {
        for (const node of nodes) await node.stop();
        for (const step of cleanups.reverse()) await step().catch(() => undefined);
      };
      try {
        const env: NodeJS.ProcessEnv = {
          JWT_SECRET: ctx.jwtSecret,
          INTERNAL_API_KEY: ctx.internalApiKey,
          LOG_LEVEL: 'warn',
          RATE_LIMIT_POINTS: '100000',
          WORKERS: String(variant.workers),
        };
        Object.assign(env, ctx.env);
        if (variant.database === 'pglite') {
          const dataDir = await mkdtemp(join(tmpdir(), 'switchboard-bench-'));
          cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
          env.DATA_DIR = dataDir;
        } else {
          const db = await createBenchDatabase();
          cleanups.push(db.drop);
          services.push(db.backendPids);
          env.DATABASE_URL = db.url;
        }
        if (needsRedis) {
          env.REDIS_URL = BENCH_REDIS_URL;
          env.REDIS_PREFIX = benchRedisPrefix();
          const pid = await redisServerPid();
          if (pid) services.push(async () => [pid]);
        }
        // One after another: the first node runs the migrations before the next one opens the database.
        for (let i = 0; i < variant.nodes; i++) nodes.push(await startNode(variant, env, ctx));
        const servicePids = async () => (await Promise.all(services.map((f) => f()))).flat();
        return { ...combine(variant.name, nodes, stopAll), servicePids };
      } catch (err) {
        await stopAll();
        throw err;
      }
    },
  };
}

function startNode(variant: Variant, env: NodeJS.ProcessEnv, ctx: StartContext): Promise<RunningServer> {
  return startServerProcess(
    {
      name: variant.name,
      script: MAIN,
      env: cleanEnv(env),
      healthPath: '/healthz',
      readyTimeoutMs: 90000,
      trigger: (baseUrl, tenantId, event) => ({
        url: `${baseUrl}/internal/emit`,
        headers: { 'x-internal-api-key': ctx.internalApiKey },
        envelope: { tenantId, event },
      }),
    },
    ctx,
  );
}

/** One or several nodes seen as one server: broadcasts are triggered on the first, clients spread over all. */
function combine(name: string, nodes: RunningServer[], stop: () => Promise<void>): RunningServer {
  const [first] = nodes as [RunningServer];
  return {
    ...first,
    name,
    baseUrls: nodes.map((n) => n.baseUrl),
    pids: () => nodes.flatMap((n) => n.pids()),
    inspectorUrls: nodes.flatMap((n) => n.inspectorUrls),
    command: nodes.map((n) => n.command).join(' & '),
    stop,
  };
}

/** `npm start` as shipped: embedded PGlite, in-memory adapter. */
export const switchboardTarget = switchboard({
  name: 'switchboard',
  description: 'embedded PGlite, in-memory adapter',
  database: 'pglite',
  workers: 1,
  nodes: 1,
});

/** One process on PostgreSQL: the reference for the worker and node comparisons. */
export const switchboardPostgresTarget = switchboard({
  name: 'sb-pg',
  description: 'PostgreSQL, one process',
  database: 'postgres',
  workers: 1,
  nodes: 1,
});

export const switchboardWorkersTarget = switchboard({
  name: 'sb-pg-workers-2',
  description: 'PostgreSQL, WORKERS=2 (node cluster, sticky routing, cluster adapter)',
  database: 'postgres',
  workers: 2,
  nodes: 1,
});

export const switchboardTwoNodesTarget = switchboard({
  name: 'sb-pg-redis-2-nodes',
  description: 'PostgreSQL, two node processes on two ports with REDIS_URL (sharded Redis adapter), clients spread over both',
  database: 'postgres',
  workers: 1,
  nodes: 2,
});
