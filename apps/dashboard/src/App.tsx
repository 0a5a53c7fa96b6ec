import { SwitchboardProvider } from '@switchboard/client/react';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { LoginPage } from './login/LoginPage';
import { clearSession, loadSession, saveSession, type Session } from './session/session-store';
import { useSessionClient } from './session/use-session-client';
import { Shell } from './shell/Shell';

export function App() {
  const [session, setSession] = useState<Session | null>(loadSession);
  const client = useSessionClient(session);
  const queryClient = useQueryClient();

  const login = (next: Session) => {
    saveSession(next);
    setSession(next);
  };
  const logout = () => {
    clearSession();
    setSession(null);
    // Nothing of one user's view may show for the next.
    queryClient.clear();
    location.hash = '#/';
  };

  if (!session) return <LoginPage onLogin={login} />;
  return (
    <SwitchboardProvider client={client}>
      {client && <Shell session={session} onLogout={logout} />}
    </SwitchboardProvider>
  );
}
