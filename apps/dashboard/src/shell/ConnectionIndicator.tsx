import { useConnectionStatus } from '@switchboard/client/react';

import { connectionWords } from './connection-words';
import { useNow } from './use-now';

/**
 * Connection status: green connected, orange while (re)connecting or while only polling reaches the
 * server, red once nothing does (an attempt failed and polling fails too, or the client gave up),
 * with a Reconnect button that tries at once instead of waiting for the next backoff step.
 */
export function ConnectionIndicator() {
  const state = useConnectionStatus();
  const now = useNow(state.status === 'reconnecting' || state.status === 'connecting');
  const words = connectionWords(state, now);

  return (
    <div
      className={`connection connection-${words.tone}`}
      data-testid="connection"
      data-status={state.status}
      data-tone={words.tone}
      role="status"
      aria-live="polite"
    >
      <span className="dot" aria-hidden="true" />
      <span className="connection-text">
        <span>{words.label}</span>
        {/* The long explanation is in the conversation pane; here, only when the next try is, or why it stopped. */}
        {(state.status === 'disconnected' ? words.detail : words.retry) && (
          <span className="muted small">{state.status === 'disconnected' ? words.detail : words.retry}</span>
        )}
      </span>
      {state.status !== 'connected' && (
        <button type="button" className="link-button" onClick={state.reconnect} data-testid="reconnect">
          Reconnect
        </button>
      )}
    </div>
  );
}
