import { useConnectionStatus } from '@switchboard/client/react';
import { useEffect, useState } from 'react';

const LABEL = { connected: 'Connected', connecting: 'Connecting…', reconnecting: 'Reconnecting…', disconnected: 'Disconnected' } as const;

/**
 * 004 RT-10: green connected, orange while (re)connecting, red once the server
 * cannot be reached (an attempt failed, or the client gave up), with a
 * Reconnect button that tries at once instead of waiting for the next backoff step.
 */
export function ConnectionIndicator() {
  const { status, nextRetryAt, polling, error, attempt, reconnect } = useConnectionStatus();
  const now = useNow(status === 'reconnecting' || status === 'connecting');
  // attempt counts scheduled tries: past the first, one has already failed.
  const unreachable = status === 'disconnected' || (status !== 'connected' && attempt > 1);
  const tone = status === 'connected' ? 'green' : unreachable ? 'red' : 'orange';
  const seconds = nextRetryAt ? Math.max(0, Math.ceil((nextRetryAt - now) / 1000)) : null;
  const detail =
    status === 'disconnected'
      ? error?.message
      : status !== 'connected'
        ? [seconds !== null ? `next try in ${seconds} s` : null, polling ? 'updates by polling' : null].filter(Boolean).join(' · ')
        : null;

  return (
    <div
      className={`connection connection-${tone}`}
      data-testid="connection"
      data-status={status}
      data-tone={tone}
      role="status"
      aria-live="polite"
    >
      <span className="dot" aria-hidden="true" />
      <span className="connection-text">
        <span>{unreachable ? LABEL.disconnected : LABEL[status]}</span>
        {detail && <span className="muted small">{detail}</span>}
      </span>
      {status !== 'connected' && (
        <button type="button" className="link-button" onClick={reconnect} data-testid="reconnect">
          Reconnect
        </button>
      )}
    </div>
  );
}

/** The time, re-read twice a second while `active`, for a countdown. */
function useNow(active: boolean): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!active) return undefined;
    const timer = setInterval(() => setNow(Date.now()), 500);
    return () => clearInterval(timer);
  }, [active]);
  return now;
}
