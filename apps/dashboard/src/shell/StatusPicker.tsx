import type { PresenceStatus } from '@switchboard/client';
import { useConnectionStatus, usePresence, useSwitchboardClient } from '@switchboard/client/react';
import { useState } from 'react';

const CHOICES: Array<{ value: PresenceStatus; label: string }> = [
  { value: 'online', label: 'Online' },
  { value: 'busy', label: 'Busy' },
  { value: 'away', label: 'Away' },
  { value: 'offline', label: 'Appear offline' },
];

/** One's own presence. Busy and away need the server's `/presence` namespace; without it they are disabled. */
export function StatusPicker() {
  const client = useSwitchboardClient();
  const me = client?.session?.userId;
  const { presence, setStatus, fullStatusAvailable } = usePresence(me ? [me] : []);
  const current = (me && presence.get(me)?.status) || 'online';
  // While the socket is down nobody sees this agent as reachable, whatever they chose: the dot says so.
  const connected = useConnectionStatus().status === 'connected';
  const shown = connected ? current : 'disconnected';
  const [error, setError] = useState<string | null>(null);

  return (
    <div className="status-picker">
      <label htmlFor="my-status" className="muted small">
        Status
      </label>
      <div className="status-select">
        <span
          className={`presence-dot presence-${shown}`}
          role="img"
          aria-label={connected ? `Your status: ${current}` : 'You are disconnected: others see you offline'}
          data-testid="my-presence"
          data-status={shown}
        />
        <select
          id="my-status"
          value={current}
          onChange={(e) => {
            setError(null);
            setStatus(e.target.value as PresenceStatus).catch((err: Error) => setError(err.message));
          }}
        >
          {CHOICES.map((c) => (
            <option key={c.value} value={c.value} disabled={!fullStatusAvailable && (c.value === 'busy' || c.value === 'away')}>
              {c.label}
            </option>
          ))}
        </select>
      </div>
      {error && (
        <p className="error small" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
