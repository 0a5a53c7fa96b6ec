import { defaultClient as C, defaultServer as S } from '@switchboard/protocol';
import { expect, it } from 'vitest';

import { ENGINES } from './support/databases';
import { ask, nextEvent, record, settled } from './support/events';
import { ManualClock } from './support/manual-clock';
import { FileDatabases, forEachServer } from './support/server';

const who = { sub: 'u1', accountId: 'acme', role: 'agent' as const };
/** The two blocks differ in configuration only: their servers take turns on one database per engine. */
const databases = new FileDatabases();
const expOf = (token: string) => (JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as { exp: number }).exp * 1000;

forEachServer(
  'token lifetime during a connection',
  (t) => {
    // On real time, end to end: the one test here that waits for a token to run out (2 to 3 s: with 1 to 2 s,
    // a handshake on a starved machine sometimes ended after exp, and was refused).
    it('disconnects a socket whose token expires unrefreshed, within 5 s of exp, with AUTH_TOKEN_EXPIRED', async () => {
      const token = await t.token(who, 3);
      // Listening from the start: the cut may come in the same network read as `authenticated`.
      let error!: Promise<{ code: string }>;
      let gone!: Promise<unknown>;
      await t.connect({
        token,
        before: (socket) => {
          error = nextEvent(socket, S.error, () => true, 9_000);
          gone = nextEvent(socket, 'disconnect', () => true, 9_000);
        },
      });
      const exp = expOf(token);
      expect((await error).code).toBe('AUTH_TOKEN_EXPIRED');
      await gone;
      expect(Date.now()).toBeLessThan(exp + 5_000);
    });

    it('refuses a refreshed token for another user', async () => {
      const socket = await t.connect({ token: await t.token(who, 3600) });
      const res = await ask(socket, C['token:update'], { token: await t.token({ ...who, sub: 'u2' }, 3600) });
      expect(res.error?.code).toBe('AUTH_TOKEN_INVALID');
    });
  },
  { TOKEN_REFRESH_LEAD_MS: 2_000 },
  ENGINES,
  undefined,
  // The real-time test waits out a token: both engines wait at once.
  { databases, enginesAtOnce: true },
);

/** The server's clock for token deadlines moves by hand; sockets, HTTP and the database stay on real time. */
let clock: ManualClock;
const LEAD = 60_000;
/**
 * Token lifetime in seconds: two leads, so the refresh and the cut are a lead apart. Every clock second
 * moved runs the typing sweeps due in it (4 a second each, one turn of the event loop apiece), so an
 * hour's token cost 3-7 s a test where two minutes cost a tenth of that.
 */
const TTL = 120;
/** Token lifetimes count from the server's clock, which earlier tests have moved ahead of real time. */
const ttlFromClock = (seconds: number) => Math.ceil((clock.now() - Date.now()) / 1000) + seconds;

forEachServer(
  'token lifetime on a hand-moved clock',
  (t) => {
    it('asks for a new token `lead` before exp and cuts the socket at exp, neither a moment before', async () => {
      const token = await t.token(who, ttlFromClock(TTL));
      const exp = expOf(token);
      const socket = await t.connect({ token });
      const heard = record(socket);
      const names = () => heard.map((e) => e.event);

      await clock.advanceTo(exp - LEAD - 1);
      await settled(socket);
      expect(names()).not.toContain(S['token:refresh'].name);
      const refresh = nextEvent(socket, S['token:refresh']);
      await clock.advanceTo(exp - LEAD);
      expect(await refresh).toEqual({ expiresAt: new Date(exp).toISOString() });

      await clock.advanceTo(exp - 1);
      await settled(socket);
      expect(names()).not.toContain(S.error.name);
      const error = nextEvent(socket, S.error);
      const gone = nextEvent(socket, 'disconnect');
      await clock.advanceTo(exp);
      expect(await error).toMatchObject({ code: 'AUTH_TOKEN_EXPIRED' });
      await gone;
    });

    it('keeps a socket that sent a new token past the old exp, and cuts it at the new one', async () => {
      const first = await t.token(who, ttlFromClock(TTL));
      const socket = await t.connect({ token: first });
      const refresh = nextEvent(socket, S['token:refresh']);
      await clock.advanceTo(expOf(first) - LEAD);
      await refresh;
      const second = await t.token(who, ttlFromClock(2 * TTL));
      const res = await ask(socket, C['token:update'], { token: second });
      expect(res.data).toEqual({ expiresAt: new Date(expOf(second)).toISOString() });

      await clock.advanceTo(expOf(first) + 1_000);
      await settled(socket);
      expect(socket.connected).toBe(true);
      const error = nextEvent(socket, S.error);
      await clock.advanceTo(expOf(second));
      expect(await error).toMatchObject({ code: 'AUTH_TOKEN_EXPIRED' });
    });
  },
  // The SLA scheduler follows the same clock: polling every hour of it keeps an hour's move cheap on PGlite.
  { TOKEN_REFRESH_LEAD_MS: LEAD, SLA_POLL_MS: 3_600_000 },
  ENGINES,
  () => ({ clock: (clock = new ManualClock()) }),
  { databases },
);
