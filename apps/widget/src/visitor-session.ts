/** What `POST /api/widget/sessions` answers (server: transport/http/widget-routes.ts). */
export interface VisitorSession {
  token: string;
  expiresAt: number;
  tenantId: string;
  visitorId: string;
  customerId: string;
  options: { prechat: { name: boolean; email: boolean }; senderLabel: 'agent' | 'tenant'; displayName: string | null };
  contact: { name: string | null; email: string | null };
}

export interface VisitorIdentity {
  /** The public widget key (`data-key`). */
  key: string;
  /** Identity verification: the host's user id and its HMAC from the host's server. */
  userId?: string;
  userHash?: string;
}

/** A session the page may not have: foreign origin, unknown key, rate limit. `code` is the server's error code. */
export class SessionRefused extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const storageKey = (key: string) => `switchboard.visitor.${key}`;

function stored(key: string): string | undefined {
  try {
    return localStorage.getItem(storageKey(key)) ?? undefined;
  } catch {
    return undefined;
  }
}

/**
 * Starts (or renews: the same call with the same visitor id) an anonymous or
 * verified visitor session. The visitor id the server hands out is kept in
 * localStorage, so a reload or a later visit continues the same history.
 */
export async function visitorSession(
  server: string,
  who: VisitorIdentity,
  prechat: { name?: string; email?: string } = {},
): Promise<VisitorSession> {
  const res = await fetch(`${server}/api/widget/sessions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ key: who.key, visitorId: stored(who.key), userId: who.userId, userHash: who.userHash, ...prechat }),
  });
  const body = (await res.json().catch(() => ({}))) as { error?: { code?: string; message?: string } };
  if (!res.ok) throw new SessionRefused(body.error?.code ?? 'INTERNAL', body.error?.message ?? `HTTP ${res.status}`);
  const session = body as VisitorSession;
  try {
    localStorage.setItem(storageKey(who.key), session.visitorId);
  } catch {
    // Without storage every page load is a new visitor; the chat still works.
  }
  return session;
}
