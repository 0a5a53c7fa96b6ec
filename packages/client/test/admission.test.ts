import { expect, it } from 'vitest';

import { forEachServer } from '../../server/test/support/server';
import { stallEventLoop } from '../../server/test/support/stall';
import { connected, newClient } from './support/clients';

forEachServer(
  'client under admission control',
  (t) => {
    it('comes back after the retryAfterMs of a RATE_LIMITED refusal, with jitter, and connects', async () => {
      const token = await t.token({ sub: 'adm-client', accountId: 'adm-c', role: 'agent' });
      stallEventLoop(700);
      const client = newClient({ url: t.url(), token, polling: false });
      const refusals: Array<{ retryAfterMs: number; waitMs: number }> = [];
      client.onState((s) => {
        if (s.error?.code === 'RATE_LIMITED' && s.nextRetryAt && refusals.length === 0) {
          refusals.push({ retryAfterMs: Number(s.error.details?.retryAfterMs), waitMs: s.nextRetryAt - Date.now() });
        }
      });
      await connected(client, 15_000);
      expect(refusals).toHaveLength(1);
      const [{ retryAfterMs, waitMs }] = refusals as [{ retryAfterMs: number; waitMs: number }];
      expect(retryAfterMs).toBeGreaterThanOrEqual(250);
      // At least what the server asked, at most half as much again (the jitter).
      expect(waitMs).toBeGreaterThanOrEqual(retryAfterMs - 20);
      expect(waitMs).toBeLessThanOrEqual(retryAfterMs * 1.5 + 20);
    });
  },
  { ADMISSION_MAX_LAG_MS: 300 },
  // What is under test is the client's answer to a refusal; the gate that refuses never touches the database, so
  // a PostgreSQL pass would repeat the same thing (the gate itself runs per engine in server/test/live/admission.test.ts).
  ['pglite'],
);
