import type { ConnectionState } from '@switchboard/client';

export interface ConnectionWords {
  /** green: live; orange: trying, or live updates paused while polling answers; red: nothing reaches the server. */
  tone: 'green' | 'orange' | 'red';
  label: string;
  /** One line about what still works and what happens next; null when connected. */
  detail: string | null;
  /** Just the countdown to the next attempt, for places with little room. */
  retry: string | null;
}

/**
 * What the connection state means for an agent, said without promising what cannot happen: the
 * polling fallback is mentioned only while its requests are answered (the HTTP API lives on the
 * same server as the socket, so when the server is down polling is down too).
 */
export function connectionWords(
  state: Pick<ConnectionState, 'status' | 'attempt' | 'nextRetryAt' | 'polling' | 'pollingOk' | 'error'>,
  now: number,
): ConnectionWords {
  const { status } = state;
  if (status === 'connected') return { tone: 'green', label: 'Connected', detail: null, retry: null };
  const seconds = state.nextRetryAt ? Math.max(0, Math.ceil((state.nextRetryAt - now) / 1000)) : null;
  const retry = seconds !== null ? `next try in ${seconds} s` : null;
  if (status === 'disconnected') {
    return { tone: 'red', label: 'Disconnected', detail: state.error?.message ?? 'Sign in again or press Reconnect.', retry: null };
  }
  if (state.polling && state.pollingOk === true) {
    return {
      tone: 'orange',
      label: 'Live updates paused',
      detail: ['new messages are fetched every few seconds', retry].filter(Boolean).join(' · '),
      retry,
    };
  }
  // attempt counts scheduled tries: past the first, one has already failed.
  const unreachable = state.attempt > 1 || state.pollingOk === false;
  if (!unreachable) return { tone: 'orange', label: status === 'connecting' ? 'Connecting…' : 'Reconnecting…', detail: retry, retry };
  return {
    tone: 'red',
    label: 'Server unreachable',
    detail: ['replies wait and are sent when it is back', retry].filter(Boolean).join(' · '),
    retry,
  };
}
