import { useCallback, useSyncExternalStore } from 'react';

import type { ConnectionState } from '../switchboard-client';
import { useSwitchboardClient } from './switchboard-context';

const LOGGED_OUT: ConnectionState = {
  status: 'disconnected',
  error: null,
  attempt: 0,
  nextRetryAt: null,
  polling: false,
  pollingOk: null,
  session: null,
};

export interface ConnectionStatusView extends ConnectionState {
  /** Try now, without waiting for the next backoff step (RT-10's Reconnect button). */
  reconnect: () => void;
}

/** The connection's state, re-rendering on every change: status, error, next retry, polling, session. */
export function useConnectionStatus(): ConnectionStatusView {
  const client = useSwitchboardClient();
  const subscribe = useCallback((notify: () => void) => (client ? client.onState(notify) : () => undefined), [client]);
  const state = useSyncExternalStore(
    subscribe,
    () => client?.state ?? LOGGED_OUT,
    () => LOGGED_OUT,
  );
  const reconnect = useCallback(() => client?.reconnect(), [client]);
  return { ...state, reconnect };
}
