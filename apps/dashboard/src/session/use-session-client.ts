import { SwitchboardClient } from '@switchboard/client';
import { useEffect, useState } from 'react';

import { renewDemoToken } from './demo-accounts';
import { saveSession, type Session } from './session-store';

/**
 * One SwitchboardClient per signed-in session: connected when a
 * session starts, disconnected and dropped when it ends. The dashboard speaks
 * the portal vocabulary on `/`.
 */
export function useSessionClient(session: Session | null): SwitchboardClient | null {
  const [client, setClient] = useState<SwitchboardClient | null>(null);
  // Keyed on who is signed in: a refreshed token keeps the client, signing in or out replaces it.
  const identity = session ? `${session.claims.accountId}/${session.claims.sub}` : null;
  useEffect(() => {
    if (!session) {
      setClient(null);
      return undefined;
    }
    const refreshToken = session.demo
      ? async () => {
          const fresh = await renewDemoToken(session.claims.sub);
          saveSession({ ...session, token: fresh });
          return fresh;
        }
      : undefined;
    const next = new SwitchboardClient({ token: session.token, dialect: 'portal', refreshToken });
    setClient(next);
    return () => next.destroy();
  }, [identity]);
  return client;
}
