import type { PresenceStatus } from '@switchboard/protocol';
import { useCallback, useEffect, useSyncExternalStore } from 'react';

import { type PresenceMap, PresenceTracker } from '../presence-tracker';
import type { SwitchboardClient } from '../switchboard-client';
import { useSwitchboardClient } from './switchboard-context';

const EMPTY: PresenceMap = new Map();
const trackers = new WeakMap<SwitchboardClient, PresenceTracker>();

/** One tracker per client, however many components show presence. */
function trackerOf(client: SwitchboardClient): PresenceTracker {
  let t = trackers.get(client);
  if (!t) {
    t = new PresenceTracker(client);
    trackers.set(client, t);
    t.start();
  }
  return t;
}

export interface PresenceView {
  presence: PresenceMap;
  setStatus: (status: PresenceStatus) => Promise<void>;
  /** False when the server has no `/presence`: only online and offline can then be set. */
  fullStatusAvailable: boolean;
}

/** Staff presence, for the given users (watched through `/presence` when the server has it) and anyone announced. */
export function usePresence(userIds: readonly string[] = []): PresenceView {
  const client = useSwitchboardClient();
  const tracker = client ? trackerOf(client) : null;
  const key = [...userIds].sort().join(',');
  useEffect(() => {
    if (tracker && key) tracker.watch(key.split(','));
  }, [tracker, key]);
  const subscribe = useCallback((notify: () => void) => (tracker ? tracker.subscribe(notify) : () => undefined), [tracker]);
  const presence = useSyncExternalStore(
    subscribe,
    () => tracker?.getSnapshot() ?? EMPTY,
    () => EMPTY,
  );
  const setStatus = useCallback(
    (status: PresenceStatus) => (tracker ? tracker.setStatus(status) : Promise.reject(new Error('Not connected'))),
    [tracker],
  );
  return { presence, setStatus, fullStatusAvailable: tracker?.fullStatusAvailable ?? false };
}
