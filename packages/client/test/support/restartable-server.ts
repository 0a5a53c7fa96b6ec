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
