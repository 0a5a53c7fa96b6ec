import { useQuery } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { fetchDemoAccounts, type DemoAccount } from '../session/demo-accounts';
import { sessionFromToken, type Session } from '../session/session-store';

/** Demo accounts in development, a pasted token anywhere. Customers belong in the widget, not here. */
export function LoginPage(props: { onLogin: (session: Session) => void }) {
  const demo = useQuery({ queryKey: ['demo-accounts'], queryFn: fetchDemoAccounts, retry: false, staleTime: 60_000 });
  const [pasted, setPasted] = useState('');
  const [error, setError] = useState<string | null>(null);

  const login = (token: string, isDemo: boolean) => {
    const session = sessionFromToken(token, isDemo);
    if (!session) return setError('That is not a valid, unexpired Switchboard token.');
    if (session.claims.role === 'customer') return setError('Customer tokens are for the chat widget; sign in as staff here.');
    setError(null);
    props.onLogin(session);
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    login(pasted, false);
  };
  const staff = (demo.data ?? []).filter((a: DemoAccount) => a.role !== 'customer');

  return (
    <main className="login">
      <section className="login-card" aria-labelledby="login-title">
        <div className="brand brand-large">
          <span className="brand-mark" aria-hidden="true" />
          <span>Switchboard</span>
        </div>
        <h1 id="login-title">Sign in to your help desk</h1>

        {staff.length > 0 && (
          <div className="login-demo">
            <h2>Demo accounts</h2>
            <p className="muted">Development only: the server signs these for its demo tenant.</p>
            <ul className="demo-list">
              {staff.map((a) => (
                <li key={a.userId}>
                  <button type="button" className="demo-account" onClick={() => login(a.token, true)} data-testid={`demo-login-${a.role}`}>
                    <span className="avatar" aria-hidden="true">{a.name.slice(0, 1)}</span>
                    <span>
                      <strong>{a.name}</strong>
                      <span className="muted"> · {a.role}</span>
                    </span>
                  </button>
                </li>
              ))}
            </ul>
            <p className="muted small">
              Chat as the customer in the <a href="/widget/demo" target="_blank" rel="noreferrer">widget demo ↗</a>
            </p>
          </div>
        )}

        <form onSubmit={submit} className="login-token">
          <label htmlFor="token">{staff.length ? 'Or paste an access token' : 'Access token'}</label>
          <textarea id="token" rows={3} value={pasted} onChange={(e) => setPasted(e.target.value)} placeholder="eyJhbGciOi…" spellCheck={false} />
          <button type="submit" className="primary" disabled={!pasted.trim()}>
            Sign in
          </button>
        </form>
        {error && (
          <p role="alert" className="error">
            {error}
          </p>
        )}
      </section>
    </main>
  );
}
