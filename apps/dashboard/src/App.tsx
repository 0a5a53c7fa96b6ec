import { SwitchboardProvider } from '@switchboard/client/react';
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';

import { LoginPage } from './login/LoginPage';
import { clearSession, loadSession, onSessionCleared, saveSession, type Session } from './session/session-store';
import { takeTokenFromUrl } from './session/token-handoff';
import { useSessionClient } from './session/use-session-client';
import { verifySession } from './session/verify-session';
import { Shell } from './shell/Shell';

/** Signed out (with why), checking a token with the server, or signed in. */
type Boot =
  | { kind: 'out'; error: string | null }
  | { kind: 'checking'; token: string; demo: boolean; stored: Session | null }
  | { kind: 'in'; session: Session };

let booted: Boot | undefined;

/** Once per page load: the token handed over in the URL is taken (and removed) only once, even under StrictMode. */
function firstBoot(): Boot {
  return (booted ??= bootFromPage());
}

function bootFromPage(): Boot {
  const handed = takeTokenFromUrl();
  if (handed) return { kind: 'checking', token: handed.token, demo: false, stored: null };
  const stored = loadSession();
  return stored ? { kind: 'checking', token: stored.token, demo: stored.demo, stored } : { kind: 'out', error: null };
}

export function App() {
  const [boot, setBoot] = useState<Boot>(firstBoot);
  const session = boot.kind === 'in' ? boot.session : null;
  const client = useSessionClient(session);
  const queryClient = useQueryClient();

  const login = (next: Session) => {
    saveSession(next);
    setBoot({ kind: 'in', session: next });
  };
  const signedOut = () => {
    setBoot({ kind: 'out', error: null });
    // Nothing of one user's view may show for the next.
    queryClient.clear();
  };
  const logout = () => {
    clearSession();
    signedOut();
    location.hash = '#/';
  };

  useEffect(() => {
    if (boot.kind !== 'checking') return undefined;
    let current = true;
    void verifySession(boot.token, boot.demo).then((verdict) => {
      if (!current) return;
      if (verdict.ok) return login(verdict.session);
      // A stored session while the server is unreachable: carry on, the connection retries on its own.
      if (boot.stored && verdict.unreachable) return setBoot({ kind: 'in', session: boot.stored });
      clearSession();
      setBoot({ kind: 'out', error: verdict.message });
    });
    return () => {
      current = false;
    };
  }, [boot]);

  useEffect(() => onSessionCleared(signedOut), []);

  if (boot.kind === 'checking') {
    return (
      <main className="login" data-testid="session-checking">
        <p className="muted">Checking your sign-in…</p>
      </main>
    );
  }
  if (boot.kind === 'out') return <LoginPage onLogin={login} initialError={boot.error} />;
  return <SwitchboardProvider client={client}>{client && <Shell session={boot.session} onLogout={logout} />}</SwitchboardProvider>;
}
