import { io as connectClient, type Socket as ClientSocket } from 'socket.io-client';

import { signToken, type TokenClaims } from '../../src/auth/token-signer';
import { buildServer, type Switchboard } from '../../src/build-server';
import { InProcessRelayHub } from '../../src/cluster/in-process-relay-hub';
import type { Config } from '../../src/config';
import type { DbKind } from '../../src/storage/db';
import { createTestDatabase, type TestDatabase } from './databases';
import { SECRET, testServerConfig } from './server';

/**
 * Several Switchboard nodes in this process over one database: related by an in-process relay
 * hub, or by Redis when the overrides carry REDIS_URL. For what needs real processes (SIGKILL),
 * see processes.ts.
 */
export interface Nodes {
  servers: Switchboard[];
  hub: InProcessRelayHub | null;
  url(node: number, path?: string): string;
  token(claims: Partial<TokenClaims> & { sub: string; accountId: string }): Promise<string>;
  /** A websocket client on `node`, resolved on `authenticated`; closed by close(). */
  connect(
    node: number,
    opts: {
      token: string;
      auth?: Record<string, unknown>;
      namespace?: string;
      query?: Record<string, string>;
      before?: (s: ClientSocket) => void;
    },
  ): Promise<ClientSocket>;
  http(node: number, method: string, path: string, opts?: { token?: string; body?: unknown }): Promise<{ status: number; body: any }>;
  close(): Promise<void>;
}

export async function startNodes(count: number, kind: DbKind, overrides: Partial<Config> = {}): Promise<Nodes> {
  const database: TestDatabase = await createTestDatabase(kind);
  const hub = overrides.REDIS_URL ? null : new InProcessRelayHub();
  // Built side by side: each start waits on the database and the network as much as it computes.
  const started = await Promise.all(
    Array.from({ length: count }, async () => {
      const sb = await buildServer(
        testServerConfig({
          OUTBOX_POLL_MS: 100,
          OUTBOX_MIN_AGE_MS: 150,
          ...overrides,
        }),
        { db: database.db, ...(hub ? { relay: hub.join() } : {}) },
      );
      return { sb, port: await sb.listen() };
    }),
  );
  const servers: Switchboard[] = started.map((s) => s.sb);
  const ports: number[] = started.map((s) => s.port);
  const clients = new Set<ClientSocket>();
  const url = (node: number, path = '') => `http://127.0.0.1:${ports[node]}${path}`;
  return {
    servers,
    hub,
    url,
    token: (claims) => signToken(SECRET, { role: 'agent', ...claims }),
    connect: (node, opts) =>
      new Promise((resolve, reject) => {
        const socket = connectClient(url(node, opts.namespace ?? '/'), {
          transports: ['websocket'],
          reconnection: false,
          forceNew: true,
          auth: { token: opts.token, ...opts.auth },
          query: opts.query,
        });
        clients.add(socket);
        opts.before?.(socket);
        socket.once('authenticated', () => resolve(socket));
        socket.once('connect_error', reject);
      }),
    async http(node, method, path, opts = {}) {
      const headers: Record<string, string> = {};
      if (opts.token) headers.authorization = `Bearer ${opts.token}`;
      if (opts.body !== undefined) headers['content-type'] = 'application/json';
      const res = await fetch(url(node, path), { method, headers, body: opts.body === undefined ? undefined : JSON.stringify(opts.body) });
      const text = await res.text();
      try {
        return { status: res.status, body: JSON.parse(text) };
      } catch {
        return { status: res.status, body: text };
      }
    },
    async close() {
      for (const c of clients) c.disconnect();
      await Promise.all(servers.map((s) => s.close()));
      await database.dispose();
    },
  };
}
