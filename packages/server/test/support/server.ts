import { io as connectClient, type ManagerOptions, type Socket as ClientSocket, type SocketOptions } from 'socket.io-client';
import { afterAll, afterEach, beforeAll, describe } from 'vitest';

import { signToken, type TokenClaims } from '../../src/auth/token-signer';
import { type BuildDeps, buildServer, type Switchboard } from '../../src/build-server';
import { type Config, testConfig } from '../../src/config';
import type { DbKind } from '../../src/storage/db';
import { createTestDatabase, ENGINES, postgresAvailable, type TestDatabase } from './databases';

export const SECRET = 'test-secret-that-is-long-enough-0123456789';
export const INTERNAL_KEY = 'internal-key-for-tests';

/** The configuration of a server under test in this process: any port on loopback, the test secrets, `overrides` on top. */
export function testServerConfig(overrides: Partial<Config> = {}): Config {
  return testConfig({ PORT: 0, HOST: '127.0.0.1', JWT_SECRET: SECRET, INTERNAL_API_KEY: INTERNAL_KEY, ...overrides });
}

export interface ServerContext {
  readonly kind: DbKind;
  sb(): Switchboard;
  url(path?: string): string;
  token(claims: Partial<TokenClaims> & { sub: string; accountId: string }, ttlSeconds?: number): Promise<string>;
  /** A connected socket.io-client (websocket transport); closed after each test. */
  connect(opts: ConnectOptions): Promise<ClientSocket>;
  /** The connect_error a handshake ends with. */
  connectError(opts: ConnectOptions): Promise<Error & { data?: { code: string; message: string } }>;
  /** An HTTP request against the server with fetch. */
  http(
    method: string,
    path: string,
    opts?: { token?: string; body?: unknown; headers?: Record<string, string> },
  ): Promise<{ status: number; body: any }>;
}

const authenticatedPayloads = new WeakMap<ClientSocket, any>();

/** The `authenticated` payload a socket opened by `connect` received. */
export function authenticatedOf(socket: ClientSocket): any {
  return authenticatedPayloads.get(socket);
}

export interface ConnectOptions {
  token?: string;
  namespace?: string;
  auth?: Record<string, unknown>;
  query?: Record<string, string>;
  extraHeaders?: Record<string, string>;
  options?: Partial<ManagerOptions & SocketOptions>;
  /** Called with the socket before it connects, to attach listeners that must not miss the first events. */
  before?: (socket: ClientSocket) => void;
}

export interface ForEachServerOptions {
  /**
   * Runs the engines' blocks at the same time (each block's tests still one after another), so a
   * file whose tests mostly wait on real time (a grace period, a throttle, an SLA) waits once, not
   * once per engine. Only for bodies that keep no state outside their block: a module-level
   * variable that `deps` sets (a shared `clock`) would be the other engine's half the time.
   * Blocks marked so that follow one another all run together: with `databases`, mark one of them.
   */
  enginesAtOnce?: boolean;
  /**
   * Takes each engine's database from here instead of opening one per block: for a file with
   * several blocks (other configurations) whose tests do not need a database of their own.
   */
  databases?: FileDatabases;
}

/**
 * One database per engine for several {@link forEachServer} blocks of a file, each opened by the
 * first block that asks and disposed after the file's last test. Opening one is most of a block's
 * set-up (a PGlite open is ~1 s of CPU); the blocks' servers come and go, each on its own
 * configuration. Tests must keep to their own tenants (a server leaves its rows behind).
 *
 * @example
 * const databases = new FileDatabases(); // at the top level of the file
 * forEachServer('a', body, config, ENGINES, undefined, { databases });
 */
export class FileDatabases {
  private readonly opened = new Map<DbKind, Promise<TestDatabase>>();

  constructor() {
    afterAll(async () => {
      // One that failed to open has nothing to dispose (its blocks failed with that error already).
      await Promise.all(
        [...this.opened.values()].map((opening) =>
          opening.then(
            (database) => database.dispose(),
            () => undefined,
          ),
        ),
      );
    }, 60_000);
  }

  of(kind: DbKind): Promise<TestDatabase> {
    let database = this.opened.get(kind);
    if (!database) this.opened.set(kind, (database = createTestDatabase(kind)));
    return database;
  }
}

/**
 * Declares `body` once per database engine with a real Switchboard listening on
 * an ephemeral port, and real clients. The PostgreSQL variant skips only
 * outside CI when PostgreSQL is not reachable. `deps` is called once per engine (e.g. for a
 * fresh ManualClock each).
 */
export function forEachServer(
  title: string,
  body: (ctx: ServerContext) => void,
  overrides: Partial<Config> = {},
  engines: readonly DbKind[] = ENGINES,
  deps: () => Omit<BuildDeps, 'db'> = () => ({}),
  { enginesAtOnce = false, databases }: ForEachServerOptions = {},
): void {
  for (const kind of engines) {
    const block = () => {
      let database: TestDatabase | undefined;
      let server: Switchboard | undefined;
      let port = 0;
      const clients = new Set<ClientSocket>();

      beforeAll(async () => {
        database = await (databases?.of(kind) ?? createTestDatabase(kind));
        server = await buildServer(testServerConfig(overrides), { ...deps(), db: database.db });
        port = await server.listen();
      }, 60_000);

      afterEach(() => {
        for (const c of clients) c.disconnect();
        clients.clear();
      });

      afterAll(async () => {
        await server?.close();
        if (!databases) await database?.dispose();
      }, 60_000);

      const url = (path = '') => `http://127.0.0.1:${port}${path}`;
      const open = (opts: ConnectOptions): ClientSocket => {
        const socket = connectClient(url(opts.namespace ?? '/'), {
          transports: ['websocket'],
          reconnection: false,
          forceNew: true,
          auth: { ...(opts.token ? { token: opts.token } : {}), ...opts.auth },
          query: opts.query,
          extraHeaders: opts.extraHeaders,
          ...opts.options,
        });
        clients.add(socket);
        opts.before?.(socket);
        return socket;
      };

      body({
        kind,
        sb: () => server as Switchboard,
        url,
        token: (claims, ttl) => signToken(SECRET, { role: 'agent', ...claims }, ttl),
        connect: (opts) =>
          new Promise((resolve, reject) => {
            const socket = open(opts);
            const hasToken = Boolean(opts.token ?? opts.auth?.token ?? opts.query?.token ?? opts.extraHeaders?.authorization);
            // `authenticated` follows `connect` at once; waiting for it means tests never race it.
            if (hasToken) {
              socket.once('authenticated', (payload) => {
                authenticatedPayloads.set(socket, payload);
                resolve(socket);
              });
              socket.once('error', (err) => reject(Object.assign(new Error(err?.code ?? 'error'), { data: err })));
            } else socket.once('connect', () => resolve(socket));
            socket.once('connect_error', (err) => reject(err));
          }),
        connectError: (opts) =>
          new Promise((resolve, reject) => {
            const socket = open(opts);
            socket.once('connect', () => reject(new Error('connected, but a connect_error was expected')));
            socket.once('connect_error', (err) => resolve(err as Error & { data?: { code: string; message: string } }));
          }),
        async http(method, path, opts = {}) {
          const headers: Record<string, string> = { ...opts.headers };
          if (opts.token) headers.authorization = `Bearer ${opts.token}`;
          if (opts.body !== undefined) headers['content-type'] = 'application/json';
          const res = await fetch(url(path), { method, headers, body: opts.body === undefined ? undefined : JSON.stringify(opts.body) });
          const text = await res.text();
          let body: unknown = text;
          try {
            body = JSON.parse(text);
          } catch {
            // Not JSON (metrics): keep the text.
          }
          return { status: res.status, body };
        },
      });
    };
    const skip = kind === 'postgres' && !postgresAvailable;
    // Sibling blocks marked concurrent run together; the block inside keeps its own tests in order.
    if (enginesAtOnce)
      describe.skipIf(skip)(`${title} [${kind}]`, { concurrent: true }, () => {
        describe.sequential('in order', block);
      });
    else describe.skipIf(skip)(`${title} [${kind}]`, block);
  }
}
