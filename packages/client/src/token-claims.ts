import type { Role } from '@switchboard/protocol';

/** The claims of a Switchboard JWT that a front end reads to label itself; never trusted for access. */
export interface TokenClaims {
  sub: string;
  accountId: string;
  role: Role;
  name?: string;
  email?: string;
  exp?: number;
}

/**
 * Reads a JWT's payload without verifying it (the server verifies). For the UI
 * (who am I, which tenant) and for a widget that needs its tenant id before it
 * can open its conversation's socket. Null when the token is not a JWT.
 */
export function readTokenClaims(token: string): TokenClaims | null {
  const part = token.split('.')[1];
  if (!part) return null;
  try {
    const base64 = part
      .replace(/-/g, '+')
      .replace(/_/g, '/')
      .padEnd(Math.ceil(part.length / 4) * 4, '=');
    const json = new TextDecoder().decode(Uint8Array.from(atob(base64), (ch) => ch.charCodeAt(0)));
    const claims = JSON.parse(json) as Partial<TokenClaims> & { workspaceId?: string; tenantId?: string; orgId?: string };
    const accountId = claims.accountId ?? claims.workspaceId ?? claims.tenantId ?? claims.orgId;
    if (typeof claims.sub !== 'string' || typeof accountId !== 'string' || typeof claims.role !== 'string') return null;
    return { ...claims, sub: claims.sub, accountId, role: claims.role };
  } catch {
    return null;
  }
}
