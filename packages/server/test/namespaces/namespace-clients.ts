import { type NamespaceName, NAMESPACES, type Role } from '@switchboard/protocol';
import { io as connectClient, type Socket as ClientSocket } from 'socket.io-client';
import { afterEach } from 'vitest';

import { uniqueAccountId } from '../support/databases';
import type { ServerContext } from '../support/server';

export interface Person {
  sub: string;
  accountId: string;
  role: Role;
  name?: string;
  email?: string;
  teamIds?: string[];
}

export interface NamespaceClients {
  /**
   * A socket on one of 001's namespaces, resolved on `connect`: its rooms are
   * joined before the server sends that, so nothing broadcast afterwards misses it.
   */
  open(ns: Exclude<NamespaceName, 'default'>, who: Person | string, listen?: (socket: ClientSocket) => void): Promise<ClientSocket>;
  /** The connect_error a handshake on `ns` ends with. */
  refused(
    ns: Exclude<NamespaceName, 'default'>,
    who: Person | string | null,
  ): Promise<Error & { data?: { code: string; message: string } }>;
  token(who: Person, ttlSeconds?: number): Promise<string>;
}

/** Call inside a forEachServer body: sockets it opens are closed after each test. */
export function namespaceClients(t: ServerContext): NamespaceClients {
  const sockets = new Set<ClientSocket>();
  afterEach(() => {
    for (const s of sockets) s.disconnect();
    sockets.clear();
  });
  const tokenOf = async (who: Person | string) => (typeof who === 'string' ? who : t.token(who));
  const make = async (ns: Exclude<NamespaceName, 'default'>, who: Person | string | null) => {
    const socket = connectClient(t.url(NAMESPACES[ns]), {
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
      auth: who === null ? {} : { token: await tokenOf(who) },
    });
    sockets.add(socket);
    return socket;
  };
  return {
    async open(ns, who, listen) {
      const socket = await make(ns, who);
      listen?.(socket);
      return new Promise((resolve, reject) => {
        socket.once('connect', () => resolve(socket));
        socket.once('connect_error', reject);
      });
    },
    async refused(ns, who) {
      const socket = await make(ns, who);
      return new Promise((resolve, reject) => {
        socket.once('connect', () => reject(new Error(`connected to ${ns}, but a connect_error was expected`)));
        socket.once('connect_error', (err) => resolve(err as Error & { data?: { code: string; message: string } }));
      });
    },
    token: (who, ttl) => t.token(who, ttl),
  };
}

/** A tenant of its own per test, with people in it named by role. */
export function tenant(prefix = 'acme') {
  const accountId = uniqueAccountId(prefix);
  const person = (sub: string, role: Role, extra: Partial<Person> = {}): Person => ({
    sub,
    accountId,
    role,
    name: sub,
    email: `${sub}@${accountId}.test`,
    ...extra,
  });
  return { accountId, person };
}
