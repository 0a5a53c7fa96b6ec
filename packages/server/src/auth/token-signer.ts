import type { Role } from '@switchboard/protocol';
import { SignJWT } from 'jose';

export interface TokenClaims {
  sub: string;
  accountId: string;
  role: Role;
  email?: string;
  name?: string;
  teamIds?: string[];
}

/** Signs an HS256 token: demo tokens at start, and tests. */
export async function signToken(secret: string, claims: TokenClaims, ttlSeconds = 3600): Promise<string> {
  const { sub, ...rest } = claims;
  return new SignJWT({ ...rest, teamIds: claims.teamIds ?? [] })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(sub)
    .setIssuedAt()
    .setExpirationTime(Math.floor(Date.now() / 1000) + ttlSeconds)
    .sign(new TextEncoder().encode(secret));
}
