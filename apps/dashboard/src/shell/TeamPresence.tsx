import { usePresence } from '@switchboard/client/react';

import { usePeople } from './shell-context';

/** Agent presence dots (online, busy, away, offline) for the staff this dashboard knows of. */
export function TeamPresence() {
  const people = usePeople();
  const { presence } = usePresence(people.map((p) => p.userId));
  if (people.length === 0) return null;
  return (
    <section className="team" aria-labelledby="team-title">
      <h2 id="team-title" className="section-title">
        Team
      </h2>
      <ul>
        {people.map((p) => {
          const status = presence.get(p.userId)?.status ?? 'offline';
          return (
            <li key={p.userId} data-testid={`presence-${p.userId}`} data-status={status}>
              <span className={`presence-dot presence-${status}`} aria-hidden="true" />
              <span className="team-name">{p.name ?? p.userId}</span>
              <span className="muted small">{status}</span>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
