import { readTokenClaims, type TokenClaims } from '@switchboard/client';

export interface Session {
  token: string;
  /** Who the server took the token for (GET /api/me), not the token's unverified payload. */
  claims: TokenClaims;
  /** Signed in with a demo account: its token can be renewed from the dev route. */
  demo: boolean;
}

interface Stored {
  token: string;
  claims: TokenClaims;
  demo: boolean;
  /** Epoch ms after which the stored session is dropped unread. */
  expiresAt: number;
}

export const SESSION_KEY = 'switchboard.session';
/** Tokens without exp are not accepted by the server; this only bounds a stored one defensively. */
const FALLBACK_LIFETIME_MS = 12 * 3_600_000;

/*
 * In localStorage, so a link opened in a new tab and a reload stay signed in;
 * bounded by the token's own expiry. Signing out in one tab signs out all
 * (onSessionCleared). Two people in one browser need two browser profiles.
 */

export function loadSession(): Session | null {
  try {
    const raw = localStorage.getItem(SESSION_KEY);
    if (!raw) return null;
    const saved = JSON.parse(raw) as Partial<Stored>;
    if (typeof saved.token !== 'string' || !saved.claims || typeof saved.expiresAt !== 'number' || saved.expiresAt <= Date.now()) {
      localStorage.removeItem(SESSION_KEY);
      return null;
    }
    return { token: saved.token, claims: saved.claims, demo: saved.demo === true };
  } catch {
    return null;
  }
}

export function saveSession(session: Session): void {
  // The expiry of the token being stored: a renewed demo token carries its own.
  const exp = readTokenClaims(session.token)?.exp ?? session.claims.exp;
  const stored: Stored = { ...session, expiresAt: exp ? exp * 1000 : Date.now() + FALLBACK_LIFETIME_MS };
  localStorage.setItem(SESSION_KEY, JSON.stringify(stored));
}

export function clearSession(): void {
  localStorage.removeItem(SESSION_KEY);
}

/** Calls `onCleared` when another tab signs out (or the stored session is removed). */
export function onSessionCleared(onCleared: () => void): () => void {
  const listener = (e: StorageEvent) => {
    if ((e.key === SESSION_KEY || e.key === null) && !localStorage.getItem(SESSION_KEY)) onCleared();
  };
  window.addEventListener('storage', listener);
  return () => window.removeEventListener('storage', listener);
}
