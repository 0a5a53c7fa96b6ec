import { readTokenClaims, type TokenClaims } from '@switchboard/client';

export interface Session {
  token: string;
  claims: TokenClaims;
  /** Signed in with a demo account: its token can be renewed from the dev route. */
  demo: boolean;
}

const KEY = 'switchboard.session';

/*
 * Per tab (sessionStorage), so an admin and an agent can be signed in side by
 * side in one browser, as a demo or a test needs.
 */

export function loadSession(): Session | null {
  try {
    const raw = sessionStorage.getItem(KEY);
    if (!raw) return null;
    const saved = JSON.parse(raw) as { token: string; demo?: boolean };
    return sessionFromToken(saved.token, saved.demo === true);
  } catch {
    return null;
  }
}

export function saveSession(session: Session): void {
  sessionStorage.setItem(KEY, JSON.stringify({ token: session.token, demo: session.demo }));
}

export function clearSession(): void {
  sessionStorage.removeItem(KEY);
}

/** A session for a token, or null when it is not a Switchboard JWT or has expired. */
export function sessionFromToken(token: string, demo: boolean): Session | null {
  const claims = readTokenClaims(token.trim());
  if (!claims) return null;
  if (claims.exp !== undefined && claims.exp * 1000 < Date.now()) return null;
  return { token: token.trim(), claims, demo };
}
