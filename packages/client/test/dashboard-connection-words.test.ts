import { describe, expect, it } from 'vitest';

import { connectionWords } from '../../../apps/dashboard/src/shell/connection-words';
import { SwitchboardError } from '../src/index';

/*
 * What the dashboard tells an agent about the connection (issue 16): polling is promised only while
 * its requests are answered. The browser test covers the server going away; these cover each state.
 */
describe('the dashboard’s words for the connection state', () => {
  const base = { attempt: 0, nextRetryAt: null, polling: false, pollingOk: null, error: null } as const;
  const now = 1_000_000;

  it('is green and quiet when connected', () => {
    expect(connectionWords({ ...base, status: 'connected' }, now)).toEqual({
      tone: 'green',
      label: 'Connected',
      detail: null,
      retry: null,
    });
  });

  it('says live updates are paused, not lost, while polling is answered', () => {
    const w = connectionWords(
      { ...base, status: 'reconnecting', attempt: 3, polling: true, pollingOk: true, nextRetryAt: now + 4_200 },
      now,
    );
    expect(w.tone).toBe('orange');
    expect(w.label).toBe('Live updates paused');
    expect(w.detail).toBe('new messages are fetched every few seconds · next try in 5 s');
  });

  it('says the server is unreachable, and never mentions polling, while polls fail too', () => {
    const w = connectionWords(
      { ...base, status: 'reconnecting', attempt: 2, polling: true, pollingOk: false, nextRetryAt: now + 2_000 },
      now,
    );
    expect(w).toMatchObject({ tone: 'red', label: 'Server unreachable', retry: 'next try in 2 s' });
    expect(w.detail).not.toMatch(/poll|fetched/);
  });

  it('is orange for the first attempt, before anything has failed', () => {
    expect(connectionWords({ ...base, status: 'connecting', attempt: 1 }, now)).toMatchObject({ tone: 'orange', label: 'Connecting…' });
  });

  it('says why when the client gave up', () => {
    const error = new SwitchboardError('AUTH_TOKEN_EXPIRED', 'Your session expired', 401);
    expect(connectionWords({ ...base, status: 'disconnected', error }, now)).toMatchObject({ tone: 'red', detail: 'Your session expired' });
  });
});
