import type { FastifyRequest } from 'fastify';

import type { Principal } from '../../auth/principal';
import type { TokenVerifier } from '../../auth/token-verifier';
import { AppError } from '../../errors';
import { bearerToken } from '../token-source';

/** Verified once per request: the write rate limit (write-rate-limit.ts) needs the caller before the route does. */
const verified = new WeakMap<FastifyRequest, Promise<Principal>>();

/** The caller of an HTTP API route, from its Bearer token; the same checks as a socket handshake. */
export async function requirePrincipal(verify: TokenVerifier, request: FastifyRequest): Promise<Principal> {
  const token = bearerToken(request.headers.authorization);
  if (!token) throw new AppError('MISSING_TOKEN', 'Send Authorization: Bearer <token>');
  let principal = verified.get(request);
  if (!principal) verified.set(request, (principal = verify(token)));
  return principal;
}
