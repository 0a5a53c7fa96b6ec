import { signToken, type TokenClaims } from '../../../server/src/auth/token-signer';
import { buildServer, type Switchboard } from '../../../server/src/build-server';
import { type Config, testConfig } from '../../../server/src/config';
import { createTestDatabase, type TestDatabase } from '../../../server/test/support/databases';
import { INTERNAL_KEY, SECRET } from '../../../server/test/support/server';

/**
 * A real Switchboard that can be stopped and started again on the same port
 * with the same database, as a restart or an outage looks to a client.
 * The server's own forEachServer keeps one server for a whole block; the
 * outage tests need to take it away and bring it back.
 */
export interface RestartableServer {
  url: string;
  port: number;
  sb(): Switchboard;
  /** Whether it is started (not between stop() and start()). */
  readonly running: boolean;
  token(claims: Partial<TokenClaims> & { sub: string; accountId: string }, ttlSeconds?: number): Promise<string>;
  stop(): Promise<void>;
  start(): Promise<void>;
  dispose(): Promise<void>;
}

export async function startRestartableServer(overrides: Partial<Config> = {}): Promise<RestartableServer> {
  const database: TestDatabase = await createTestDatabase('pglite');
  let port = 0;
  let current: Switchboard | null = null;
  const start = async () => {
    current = await buildServer(
      testConfig({ PORT: port, HOST: '127.0.0.1', JWT_SECRET: SECRET, INTERNAL_API_KEY: INTERNAL_KEY, ...overrides }),
      { db: database.db },
    );
    port = await current.listen();
  };
  await start();
  const self: RestartableServer = {
    get url() {
      return `http://127.0.0.1:${port}`;
    },
    get port() {
      return port;
    },
    get running() {
      return current !== null;
    },
    sb: () => {
      if (!current) throw new Error('the server is stopped');
      return current;
    },
    token: (claims, ttl) => signToken(SECRET, { role: 'agent', ...claims }, ttl),
    async stop() {
      await current?.close();
      current = null;
    },
    start,
    async dispose() {
      await current?.close();
      await database.dispose();
    },
  };
  return self;
}

const shared = new Map<string, Promise<RestartableServer>>();

/**
 * A server shared by the test files one worker runs one after the other (vitest.config.ts `isolate: false`
 * keeps this module between files), one per distinct `overrides`: opening a server's in-memory database costs
 * ~1 s of CPU and, on a busy machine, several seconds of wall time (docs/decisions.md, "Suite wall time, fourth
 * pass: browser tests"). Files keep apart by tenant, as they do on one server within a file: each file uses
 * account ids no other file uses. A file stops it when it is done (`stop()`): its timers (typing sweeps, outbox
 * and job polls) would otherwise run through the worker's later files, which took them ~0.3 s CPU more each. The
 * database stays open, and the next file's call starts the server again on the same port (~0.1 s CPU). Nobody
 * disposes of it: it ends with the worker process (its database is in memory).
 */
export async function sharedRestartableServer(overrides: Partial<Config> = {}): Promise<RestartableServer> {
  const key = JSON.stringify(Object.entries({ demo: false, ...overrides }).sort(([a], [b]) => a.localeCompare(b)));
  let pending = shared.get(key);
  if (!pending) {
    pending = startRestartableServer(overrides);
    shared.set(key, pending);
    void pending.catch(() => shared.delete(key));
  }
  const server = await pending;
  if (!server.running) await server.start();
  return server;
}
