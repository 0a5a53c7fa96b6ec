import { HttpApi, SwitchboardError } from '@switchboard/client';

export interface DemoAccount {
  role: string;
  userId: string;
  name: string;
  token: string;
}

const api = new HttpApi({ baseUrl: location.origin, getToken: () => '' });

/**
 * The demo tenant's accounts, from the server's development-only route; an
 * empty list where it does not exist (production, or DEMO off).
 */
export async function fetchDemoAccounts(): Promise<DemoAccount[]> {
  try {
    const res = await api.request<{ tokens: DemoAccount[] }>('GET', '/api/dev/demo-tokens', undefined, { auth: false });
    return res.tokens;
  } catch (err) {
    if (err instanceof SwitchboardError && err.status === 404) return [];
    throw err;
  }
}

/** A fresh token for a demo user: the dashboard's `refreshToken` in development. */
export async function renewDemoToken(userId: string): Promise<string> {
  const account = (await fetchDemoAccounts()).find((a) => a.userId === userId);
  if (!account) throw new SwitchboardError('AUTH_TOKEN_EXPIRED', 'The demo account is gone; sign in again', 401);
  return account.token;
}
