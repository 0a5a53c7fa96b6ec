import { useCallback, useEffect, useMemo, useSyncExternalStore } from 'react';

import { type TypingOptions, TypingTracker, type Typist } from '../typing-tracker';
import { useSwitchboardClient } from './switchboard-context';

const NOBODY: readonly Typist[] = [];

export interface TypingView {
  /** Everyone else typing in this conversation now; each clears 3 s after their last signal (RT-08). */
  typists: readonly Typist[];
  /** Call on each keystroke of the composer. */
  keystroke: () => void;
  /** Call on send. */
  stopTyping: () => void;
}

/** Typing in one conversation, both ways: who else types, and telling them we do. */
export function useTyping(conversationId: string | null | undefined, opts?: TypingOptions): TypingView {
  const client = useSwitchboardClient();
  const stale = opts?.staleAfterMs;
  const repeat = opts?.repeatEveryMs;
  const idle = opts?.idleAfterMs;
  const tracker = useMemo(
    () =>
      client && conversationId
        ? new TypingTracker(client, conversationId, { staleAfterMs: stale, repeatEveryMs: repeat, idleAfterMs: idle })
        : null,
    [client, conversationId, stale, repeat, idle],
  );
  useEffect(() => {
    if (!tracker) return undefined;
    tracker.start();
    return () => tracker.stop();
  }, [tracker]);
  const subscribe = useCallback((notify: () => void) => (tracker ? tracker.subscribe(notify) : () => undefined), [tracker]);
  const typists = useSyncExternalStore(
    subscribe,
    () => tracker?.getSnapshot() ?? NOBODY,
    () => NOBODY,
  );
  const keystroke = useCallback(() => tracker?.keystroke(), [tracker]);
  const stopTyping = useCallback(() => tracker?.stopTyping(), [tracker]);
  return { typists, keystroke, stopTyping };
}
