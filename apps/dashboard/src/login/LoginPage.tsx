import { useQuery } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';

import { type DemoAccount, fetchDemoAccounts } from '../session/demo-accounts';
import type { Session } from '../session/session-store';
import { verifySession } from '../session/verify-session';

/**
 * Demo accounts in development, a pasted token anywhere; a host app can also
 * hand a token over with `/#token=…` (App, docs/auth.md). Every token is
 * checked with the server before the app opens. Customers belong in the widget.
 */
export function LoginPage(props: { onLogin: (session: Session) => void; initialError?: string | null }) {
  const demo = useQuery({ queryKey: ['demo-accounts'], queryFn: fetchDemoAccounts, retry: false, staleTime: 60_000 });
  const [pasted, setPasted] = useState('');
  const [error, setError] = useState<string | null>(props.initialError ?? null);
  const [checking, setChecking] = useState(false);

  const login = async (token: string, isDemo: boolean) => {
    setChecking(true);
    setError(null);
    const verdict = await verifySession(token, isDemo);
    setChecking(false);
    if (!verdict.ok) return setError(verdict.message);
    props.onLogin(verdict.session);
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void login(pasted, false);
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
                  <button
                    type="button"
                    className="demo-account"
                    onClick={() => void login(a.token, true)}
                    disabled={checking}
                    data-testid={`demo-login-${a.role}`}
                  >
                    <span className="avatar" aria-hidden="true">
                      {a.name.slice(0, 1)}
                    </span>
                    <span>
                      <strong>{a.name}</strong>
                      <span className="muted"> · {a.role}</span>
                    </span>
                  </button>
                </li>
              ))}
            </ul>
            <p className="muted small">
              Chat as the customer in the{' '}
              <a href="/widget/demo" target="_blank" rel="noreferrer">
                widget demo ↗
              </a>
            </p>
          </div>
        )}

        <form onSubmit={submit} className="login-token">
          <label htmlFor="token">{staff.length ? 'Or paste an access token' : 'Access token'}</label>
          <textarea
            id="token"
            data-testid="token-input"
            rows={3}
            value={pasted}
            onChange={(e) => setPasted(e.target.value)}
            placeholder="eyJhbGciOi…"
            spellCheck={false}
          />
          <button type="submit" className="primary" data-testid="token-submit" disabled={!pasted.trim() || checking}>
            {checking ? 'Checking…' : 'Sign in'}
          </button>
        </form>
        {error && (
          <p role="alert" className="error" data-testid="login-error">
            {error}
          </p>
        )}
      </section>
    </main>
  );
}
