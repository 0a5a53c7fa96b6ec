import { HttpApi, SwitchboardError, type TokenClaims } from '@switchboard/client';
import type { Role } from '@switchboard/protocol';

import type { Session } from './session-store';

interface Me {
  userId: string;
  accountId: string;
  role: Role;
  name: string | null;
  email: string | null;
  exp: number;
}

export type Verdict = { ok: true; session: Session } | { ok: false; message: string; unreachable?: boolean };

/**
 * Asks the server who a token signs in (`GET /api/me`) before anything is
 * shown, so a forged, expired or foreign token stays on the sign-in page with
 * a message saying what is wrong, instead of opening a broken screen.
 */
export async function verifySession(token: string, demo: boolean): Promise<Verdict> {
  const trimmed = token.trim();
  if (trimmed.split('.').length !== 3)
    return { ok: false, message: 'That is not a token: a JWT has three parts separated by dots (eyJ….eyJ….…).' };
  const api = new HttpApi({ baseUrl: location.origin, getToken: () => trimmed });
  let me: Me;
  try {
    me = await api.request<Me>('GET', '/api/me');
  } catch (err) {
    return {
      ok: false,
      message: messageFor(err),
      unreachable: !(err instanceof SwitchboardError) || err.code === 'NETWORK' || err.code === 'TIMEOUT' || err.status >= 500,
    };
  }
  if (me.role === 'customer')
    return {
      ok: false,
      message: 'This is a customer token: customers chat in the widget. Sign in here with an agent, admin or viewer token.',
    };
  const claims: TokenClaims = { sub: me.userId, accountId: me.accountId, role: me.role, exp: me.exp };
  if (me.name) claims.name = me.name;
  if (me.email) claims.email = me.email;
  return { ok: true, session: { token: trimmed, claims, demo } };
}

function messageFor(err: unknown): string {
  if (!(err instanceof SwitchboardError)) return 'Could not check the token. Try again.';
  switch (err.code) {
    case 'AUTH_TOKEN_EXPIRED':
      return 'This token has expired. Sign in again from your help desk, or ask for a new token.';
    case 'AUTH_TOKEN_INVALID':
      return 'This server does not accept that token: it is not signed with a key this server trusts, or it lacks sub, accountId, role or exp (see docs/auth.md).';
    case 'MISSING_TOKEN':
      return 'Paste a token to sign in.';
    case 'NETWORK':
    case 'TIMEOUT':
      return 'Cannot reach the Switchboard server. Check your connection and try again.';
    default:
      return `The server refused the token (${err.code}).`;
  }
}
