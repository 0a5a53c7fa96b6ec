import cluster, { type Worker } from 'node:cluster';
import { createServer } from 'node:http';

import { setupPrimary } from '@socket.io/cluster-adapter';
import { setupMaster } from '@socket.io/sticky';

import type { Config } from '../config';
import type { Logger } from '../log';
import { workerExecArgv } from '../ops/gc-threads';
import { LISTEN_BACKLOG } from '../transport/admission-gate';
import { relayFactsBetweenWorkers } from './cluster-ipc-event-relay';
import { PRIMARY_STORES } from './cluster-kit';
import { MemoryGcraStore } from './gcra-store';
import { MemoryPresenceStore } from './presence-store';
import { serveStoreToWorkers } from './primary-store-proxy';
import { routeOnlyToReadyWorkers } from './ready-workers';
import { stopReadingHandedSockets } from './stop-reading-handed-sockets';
import { MemoryTypingTimers } from './typing-timers';

/** How long a worker has to close cleanly before it is killed. */
const SHUTDOWN_GRACE_MS = 15_000;

/**
 * The primary of `WORKERS` > 1: listens on PORT and hands each connection to a worker, sticky per
 * Engine.IO session; without Redis it also carries what the workers share (facts, presence, typing
 * timers, rate limits, the Socket.IO cluster adapter). Restarts a worker that dies; on SIGTERM or
 * SIGINT stops listening, lets the workers close, and exits.
 *
 * Embedded PGlite is one process's database, so this refuses to start without DATABASE_URL.
 */
export async function runPrimary(config: Config, log: Logger): Promise<void> {
  if (!config.DATABASE_URL) {
    throw new Error(
      `WORKERS=${config.WORKERS} needs DATABASE_URL: the embedded database (PGlite) belongs to one process and cannot be shared by workers. Set DATABASE_URL to a PostgreSQL database, or run with WORKERS=1.`,
    );
  }
  // Sticky sessions pass the first chunk of each connection as a Buffer, which JSON IPC would mangle.
  // Workers that share the cores one each collect on their own main thread (ops/gc-threads.ts).
  cluster.setupPrimary({ serialization: 'advanced', execArgv: workerExecArgv(config.GC_MODE, config.WORKERS) });
  if (!config.REDIS_URL) {
    setupPrimary();
    relayFactsBetweenWorkers();
    serveStoreToWorkers(
      PRIMARY_STORES.presence,
      new MemoryPresenceStore({ connectionTtlMs: config.PRESENCE_TTL_MS, graceMs: config.PRESENCE_GRACE_MS }),
    );
    serveStoreToWorkers(PRIMARY_STORES.typing, new MemoryTypingTimers());
    serveStoreToWorkers(PRIMARY_STORES.ticketTyping, new MemoryTypingTimers());
    serveStoreToWorkers(PRIMARY_STORES.rateLimits, new MemoryGcraStore());
  }

  // Secrets the primary resolved (local secrets included) reach the workers through their environment.
  const env: Record<string, string> = {};
  if (config.JWT_SECRET) env.JWT_SECRET = config.JWT_SECRET;
  if (config.INTERNAL_API_KEY) env.INTERNAL_API_KEY = config.INTERNAL_API_KEY;
  let stopping = false;
  const readiness = routeOnlyToReadyWorkers();
  const fork = () => cluster.fork(env);
  cluster.on('exit', (worker: Worker, code, signal) => {
    if (stopping) return;
    log.error({ worker: worker.id, code, signal }, 'worker died; starting another');
    setTimeout(fork, 500).unref();
  });
  for (let i = 0; i < config.WORKERS; i++) fork();

  const http = createServer();
  setupMaster(http, { loadBalancingMethod: 'least-connection' });
  stopReadingHandedSockets(http);
  readiness.guard(http);
  // Listen only once every worker serves: a connection handed to a worker still loading is lost.
  const banner = await readiness.allReady(config.WORKERS);
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(config.PORT, config.HOST, LISTEN_BACKLOG, () => resolve());
  });
  log.info({ workers: config.WORKERS, port: config.PORT, shared: config.REDIS_URL ? 'redis' : 'primary' }, 'primary listening');
  process.stdout.write(banner);

  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'primary shutting down');
    http.close();
    const workers = Object.values(cluster.workers ?? {}).filter((w): w is Worker => Boolean(w));
    const exited = Promise.all(
      workers.map((w) => new Promise<void>((resolve) => (w.isDead() ? resolve() : w.once('exit', () => resolve())))),
    );
    for (const w of workers) w.process.kill('SIGTERM');
    const timer = setTimeout(() => workers.forEach((w) => w.process.kill('SIGKILL')), SHUTDOWN_GRACE_MS);
    await exited;
    clearTimeout(timer);
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
}
