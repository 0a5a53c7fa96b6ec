import type { NamespaceEvents } from '@switchboard/protocol';
import { useCallback, useEffect, useRef, useSyncExternalStore } from 'react';

import type { NamespaceConnection, NamespacePath, NamespaceState } from '../namespace-connection';
import { useSwitchboardClient } from './switchboard-context';

const NONE: NamespaceState = { status: 'disconnected', error: null };

/** One of the named namespaces on the provider's connection, with its state (`unavailable` when the server lacks it). */
export function useNamespace<P extends NamespacePath>(path: P): { connection: NamespaceConnection<P> | null; state: NamespaceState } {
  const client = useSwitchboardClient();
  const connection = client ? client.namespace(path) : null;
  const subscribe = useCallback((notify: () => void) => (connection ? connection.onState(notify) : () => undefined), [connection]);
  const state = useSyncExternalStore(
    subscribe,
    () => connection?.state ?? NONE,
    () => NONE,
  );
  return { connection, state };
}

type ServerMap<P extends NamespacePath> = NamespaceEvents[P]['server'];

/** {@link useSocketEvent} for a namespace: subscribes while mounted. */
export function useNamespaceEvent<P extends NamespacePath, E extends keyof ServerMap<P> & string>(
  path: P,
  event: E,
  handler: (payload: ServerMap<P>[E] extends (payload: infer A) => void ? A : never) => void,
): void {
  const client = useSwitchboardClient();
  const latest = useRef(handler);
  latest.current = handler;
  useEffect(() => {
    if (!client) return undefined;
    return client.namespace(path).on(event, (payload) => latest.current(payload));
  }, [client, path, event]);
}
