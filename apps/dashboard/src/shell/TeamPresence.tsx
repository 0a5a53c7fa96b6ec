import { useConnectionStatus, usePresence } from '@switchboard/client/react';

import { usePeople, useShell } from './shell-context';

/** Agent presence dots (online, busy, away, offline) for the staff this dashboard knows of. */
export function TeamPresence() {
  const people = usePeople();
  const { presence } = usePresence(people.map((p) => p.userId));
  const me = useShell().session.claims.sub;
  const connected = useConnectionStatus().status === 'connected';
  if (people.length === 0) return null;
  return (
    <section className="team" aria-labelledby="team-title">
      <h2 id="team-title" className="section-title">
        Team
      </h2>
      <ul>
        {people.map((p) => {
          // Disconnected, this view of the team is stale, and the agent's own entry is certainly wrong.
          const status = p.userId === me && !connected ? 'disconnected' : (presence.get(p.userId)?.status ?? 'offline');
          return (
            <li key={p.userId} data-testid={`presence-${p.userId}`} data-status={status}>
              <span className={`presence-dot presence-${status}`} aria-hidden="true" />
              <span className="team-name">
                {p.name ?? p.userId}
                {p.userId === me ? ' (you)' : ''}
              </span>
              <span className="muted small">{status}</span>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
