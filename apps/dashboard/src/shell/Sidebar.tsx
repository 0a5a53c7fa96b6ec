import { AlertToggles } from '../alerts/AlertToggles';
import { ConnectionIndicator } from './ConnectionIndicator';
import { CreditsBalance } from './CreditsBalance';
import { NotificationsBell } from './NotificationsBell';
import { useShell } from './shell-context';
import { StatusPicker } from './StatusPicker';
import { TeamPresence } from './TeamPresence';
import { hrefOf, type Route } from './use-hash-route';

export function Sidebar(props: { route: Route; onLogout: () => void; unreadTotal: number; onShowShortcuts: () => void }) {
  const { session } = useShell();
  const total = props.unreadTotal;
  const isAdmin = session.claims.role === 'admin';

  return (
    <aside className="sidebar" aria-label="Main">
      <div className="brand">
        <span className="brand-mark" aria-hidden="true" />
        <span>Switchboard</span>
      </div>
      <nav className="nav">
        <a
          href={hrefOf.inbox()}
          className={props.route.name === 'inbox' ? 'active' : undefined}
          aria-current={props.route.name === 'inbox' ? 'page' : undefined}
        >
          <span>Inbox</span>
          {total > 0 && (
            <span className="badge" aria-label={`${total} unread`} data-testid="unread-total">
              {total}
            </span>
          )}
        </a>
        {isAdmin && (
          <a
            href={hrefOf.metrics()}
            className={props.route.name === 'metrics' ? 'active' : undefined}
            aria-current={props.route.name === 'metrics' ? 'page' : undefined}
          >
            Metrics
          </a>
        )}
        {isAdmin && (
          <a
            href={hrefOf.replies()}
            className={props.route.name === 'replies' ? 'active' : undefined}
            aria-current={props.route.name === 'replies' ? 'page' : undefined}
            data-testid="nav-replies"
          >
            Canned replies
          </a>
        )}
      </nav>
      <NotificationsBell />
      <CreditsBalance />
      <TeamPresence />
      <AlertToggles />
      <div className="sidebar-footer">
        <div className="me">
          <span className="avatar" aria-hidden="true">
            {(session.claims.name ?? session.claims.sub).slice(0, 1)}
          </span>
          <div className="me-text">
            <strong>{session.claims.name ?? session.claims.sub}</strong>
            <span className="muted small">
              {session.claims.role} · {session.claims.accountId}
            </span>
          </div>
        </div>
        <StatusPicker />
        <ConnectionIndicator />
        <button type="button" className="ghost" onClick={props.onShowShortcuts} aria-keyshortcuts="?" data-testid="show-shortcuts">
          Shortcuts <kbd>?</kbd>
        </button>
        <button type="button" className="ghost" onClick={props.onLogout} data-testid="logout">
          Sign out
        </button>
      </div>
    </aside>
  );
}
