import { expect, it } from 'vitest';

import { sleep } from '../support/events';
import { forEachServer } from '../support/server';
import { stallEventLoop } from '../support/stall';

forEachServer(
  'admission control',
  (t) => {
    it('tells a handshake that arrives while the node is stalled to come back, with retryAfterMs, and admits it later', async () => {
      const token = await t.token({ sub: 'adm-agent', accountId: 'adm', role: 'agent' });
      stallEventLoop(700);
      const refused = await t.connectError({ token });
      expect(refused.message).toBe('RATE_LIMITED');
      expect(refused.data).toMatchObject({ code: 'RATE_LIMITED', message: expect.any(String), retryAfterMs: expect.any(Number) });
      const retryAfterMs = (refused.data as unknown as { retryAfterMs: number }).retryAfterMs;
      expect(retryAfterMs).toBeGreaterThanOrEqual(250);
      expect(retryAfterMs).toBeLessThanOrEqual(10_000);
      // The stall has left the one-second window: the node takes connections again.
      await sleep(1_200);
      const socket = await t.connect({ token });
      expect(socket.connected).toBe(true);
    });
  },
  { ADMISSION_MAX_LAG_MS: 300 },
);
