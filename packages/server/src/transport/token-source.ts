import type { Socket } from 'socket.io';

type Handshake = Socket['handshake'];

/**
 * The token of a handshake, from the three places a client may put it, in this order:
 * `auth.token`, the `Authorization: Bearer` header, the `token` query parameter.
 */
export function tokenFromHandshake(
  handshake: Pick<Handshake, 'auth' | 'headers'> & { query: Record<string, unknown> },
): string | undefined {
  const fromAuth = (handshake.auth as { token?: unknown } | undefined)?.token;
  if (typeof fromAuth === 'string' && fromAuth.length > 0) return fromAuth;
  const header = handshake.headers.authorization;
  if (typeof header === 'string') {
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (match?.[1]) return match[1];
  }
  const fromQuery = handshake.query.token;
  if (typeof fromQuery === 'string' && fromQuery.length > 0) return fromQuery;
  return undefined;
}

/** The bearer token of an HTTP request's Authorization header. */
export function bearerToken(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  return match?.[1];
}
