import { useEffect, useRef } from 'react';

import type { Fact } from '../facts';
import type { InEventName, InPayload } from '../switchboard-client';
import { useSwitchboardClient } from './switchboard-context';

/**
 * Calls `handler` for each `event` (deduplicated, any vocabulary on
 * `/`), and unsubscribes on unmount. The latest handler is always the one
 * called, so an inline arrow does not resubscribe on every render.
 *
 * @example
 * useSocketEvent(PortalIn['conversation:new'], (c) => toast(`New conversation ${c.id}`));
 */
export function useSocketEvent<E extends InEventName>(event: E, handler: (payload: InPayload<E>) => void): void {
  const client = useSwitchboardClient();
  const latest = useRef(handler);
  latest.current = handler;
  useEffect(() => {
    if (!client) return undefined;
    return client.on(event, (payload) => latest.current(payload));
  }, [client, event]);
}

/** Like {@link useSocketEvent} for the vocabulary-free {@link Fact}s, which also come from polling. */
export function useFacts(handler: (fact: Fact) => void): void {
  const client = useSwitchboardClient();
  const latest = useRef(handler);
  latest.current = handler;
  useEffect(() => {
    if (!client) return undefined;
    return client.onFact((fact) => latest.current(fact));
  }, [client]);
}
