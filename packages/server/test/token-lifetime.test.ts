import { defaultClient as C, defaultServer as S } from '@switchboard/protocol';
import { expect, it } from 'vitest';

import { ask, nextEvent, sleep } from './support/events';
import { forEachServer } from './support/server';

const who = { sub: 'u1', accountId: 'acme', role: 'agent' as const };

forEachServer(
  'token lifetime during a connection',
  (t) => {
    it('disconnects a socket whose token expires unrefreshed, within 5 s of exp, with AUTH_TOKEN_EXPIRED', async () => {
      const socket = await t.connect({ token: await t.token(who, 2) });
      const exp = Math.floor(Date.now() / 1000) + 2;
      const error = nextEvent(socket, S.error, () => true, 9_000);
      const gone = nextEvent(socket, 'disconnect', () => true, 9_000);
      expect((await error).code).toBe('AUTH_TOKEN_EXPIRED');
      await gone;
      expect(Date.now()).toBeLessThan((exp + 5) * 1000);
    });

    it('asks for a new token before expiry and keeps the socket when it gets one', async () => {
      const first = await t.token(who, 3);
      const { exp } = JSON.parse(Buffer.from(first.split('.')[1]!, 'base64url').toString()) as { exp: number };
      const socket = await t.connect({ token: first });
      const refresh = await nextEvent(socket, S['token:refresh'], () => true, 4_000);
      expect(refresh.expiresAt).toEqual(expect.any(String));
      const updated = nextEvent(socket, S['token:updated']);
      const res = await ask(socket, C['token:update'], { token: await t.token(who, 3600) });
      expect(res.ok).toBe(true);
      expect(new Date((await updated).expiresAt).getTime()).toBeGreaterThan(Date.now() + 3_000_000);
      // About time: the first token's expiry passes (and the server's expiry check after it) without a disconnect.
      await sleep(exp * 1000 + 500 - Date.now());
      expect(socket.connected).toBe(true);
    });

    it('refuses a refreshed token for another user', async () => {
      const socket = await t.connect({ token: await t.token(who, 3600) });
      const res = await ask(socket, C['token:update'], { token: await t.token({ ...who, sub: 'u2' }, 3600) });
      expect(res.error?.code).toBe('AUTH_TOKEN_INVALID');
    });
  },
  { TOKEN_REFRESH_LEAD_MS: 2_000 },
);
