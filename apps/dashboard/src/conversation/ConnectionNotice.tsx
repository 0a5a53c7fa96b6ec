import { useConnectionStatus } from '@switchboard/client/react';

import { connectionWords } from '../shell/connection-words';
import { useNow } from '../shell/use-now';

/**
 * The connection as it matters where the agent is working: above the reply box, only while it is
 * not live, saying whether anything reaches the server and what happens to a reply written now.
 */
export function ConnectionNotice() {
  const state = useConnectionStatus();
  const now = useNow(state.status !== 'connected');
  if (state.status === 'connected') return null;
  const words = connectionWords(state, now);
  return (
    <div className={`connection-notice notice-${words.tone}`} role="status" data-testid="conversation-connection" data-tone={words.tone}>
      <strong>{words.label}</strong>
      {words.detail && <span> — {words.detail}</span>}
      <button type="button" className="link-button" onClick={state.reconnect}>
        Reconnect now
      </button>
    </div>
  );
}
