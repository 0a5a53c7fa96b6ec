import type { Socket as ClientSocket } from 'socket.io-client';
import { expect, it } from 'vitest';

import { ask, nextEvent, until } from '../support/events';
import { forEachServer } from '../support/server';

const PAGE = 50;
const PER_SYNC = 150;
const THRESHOLD = 500;
const BUDGET = 400;
/** Messages {@link writeLog} sends at once. */
const WAVE = 20;
/** Writing a few hundred messages takes seconds on a busy machine. */
const LOG_WRITING_MS = 90_000;

forEachServer(
  'replay is paged, bounded and paid for',
  (t) => {
    const tenant = 'rb1';
    let conversationId = '';
    let written = 0;

    /**
     * Writes `n` messages straight through the service: a large log without going through the limits under test.
     * Sent in waves of {@link WAVE} at once, so the write pipeline commits each wave together: one at a time took a
     * commit per message, most of this file's time. Which order a wave lands in is the log's to say ({@link logOrder}).
     */
    async function writeLog(n: number): Promise<void> {
      const actor = {
        userId: 'rb1-writer',
        accountId: tenant,
        role: 'agent' as const,
        email: null,
        name: null,
        teamIds: [],
        exp: Math.floor(Date.now() / 1000) + 3600,
      };
      if (!conversationId) {
        await t.connect({ token: await t.token({ sub: actor.userId, accountId: tenant, role: 'agent' }) });
        const customer = await t.token({ sub: 'rb1-cust', accountId: tenant, role: 'customer' });
        conversationId = (await t.http('POST', '/api/conversations', { token: customer, body: {} })).body.id;
      }
      for (let sent = 0; sent < n; sent += WAVE) {
        await Promise.all(
          Array.from({ length: Math.min(WAVE, n - sent) }, () =>
            t.sb().services.messages.send(actor, { conversationId, content: `m${written++}`, contentType: 'text' }),
          ),
        );
      }
    }

    /** The contents of the tenant's messages in the event log's order (seq), which replay must follow. */
    async function logOrder(): Promise<string[]> {
      const rows = await t
        .sb()
        .services.db.query<{ content: string }>(
          "SELECT data->'message'->>'content' AS content FROM events WHERE account_id = $1 AND type = 'message.created' ORDER BY seq",
          [tenant],
        );
      return rows.map((r) => r.content);
    }

    const agent = async (sub: string, extra: { auth?: Record<string, unknown>; before?: (s: ClientSocket) => void } = {}) =>
      t.connect({ token: await t.token({ sub, accountId: tenant, role: 'agent' }), ...extra });

    it(
      'sync { since: 0 } over a large log comes in bounded calls with hasMore, in order, each event once',
      async () => {
        await writeLog(320);
        const socket = await agent('rb1-pager');
        const contents: string[] = [];
        socket.on('new_message', (p) => contents.push(p.content));
        const answers: any[] = [];
        let since = 0;
        for (;;) {
          const res = await ask(socket, 'sync', { since }, 10_000);
          expect(res.ok).toBe(true);
          answers.push(res.data);
          expect(res.data.replayed).toBeLessThanOrEqual(PER_SYNC);
          if (!res.data.hasMore) break;
          since = res.data.lastSeq;
        }
        expect(answers.map((a) => a.hasMore)).toEqual([true, true, false]);
        await until(() => contents.length === 320, 5_000, 'every message');
        const logged = await logOrder();
        expect([...logged].sort()).toEqual(Array.from({ length: 320 }, (_, i) => `m${i}`).sort());
        expect(contents).toEqual(logged);
      },
      LOG_WRITING_MS,
    );

    it("costs the socket's replay budget by events: a spent budget ends a replay early, then refuses it with retryAfterMs", async () => {
      const socket = await agent('rb1-spender');
      let since = 0;
      let spent = 0;
      let stoppedEarly: any;
      while (spent < BUDGET) {
        const res = await ask(socket, 'sync', { since }, 10_000);
        expect(res.ok).toBe(true);
        spent += res.data.replayed;
        if (res.data.retryAfterMs !== undefined) {
          stoppedEarly = res.data;
          break;
        }
        since = res.data.hasMore ? res.data.lastSeq : 0;
      }
      expect(stoppedEarly).toMatchObject({ hasMore: true, retryAfterMs: expect.any(Number) });
      const refused = await ask(socket, 'sync', { since: stoppedEarly.lastSeq });
      expect(refused.error).toMatchObject({ code: 'RATE_LIMITED', details: { retryAfterMs: expect.any(Number) } });
      expect(refused.error!.details.retryAfterMs).toBeGreaterThan(0);
    });

    it('runs one replay at a time per socket: one more sync waits its turn, a third is RATE_LIMITED with REPLAY_IN_PROGRESS', async () => {
      const socket = await agent('rb1-twice');
      const completes: any[] = [];
      socket.on('sync_complete', (p) => completes.push(p));
      const [a, b, c] = await Promise.all([0, 1, 2].map(() => ask(socket, 'sync', { since: 0 }, 10_000)));
      expect(a!.ok).toBe(true);
      expect(b!.ok).toBe(true);
      expect(c!.error).toMatchObject({ code: 'RATE_LIMITED', details: { reason: 'REPLAY_IN_PROGRESS' } });
      // Each ran to its end before the next began: two sync_complete, in order, the same replay twice.
      await until(() => completes.length === 2, 5_000, 'two sync_complete');
      expect(completes).toEqual([a!.data, b!.data]);
      expect(b!.data).toEqual(a!.data);
      // Once they are over, the socket may replay again.
      expect((await ask(socket, 'sync', { since: a!.data.lastSeq })).ok).toBe(true);
    });

    it("another tenant's send -> ack keeps working while sockets replay as fast as they may", async () => {
      const storm = await Promise.all(Array.from({ length: 6 }, (_, i) => agent(`rb1-storm${i}`)));
      let stop = false;
      const outcomes: string[] = [];
      const loops = storm.map(async (s) => {
        let since = 0;
        while (!stop) {
          const res = await ask(s, 'sync', { since }, 20_000).catch(() => ({ ok: false, error: { code: 'TIMEOUT' } }) as any);
          outcomes.push(res.ok ? 'ok' : res.error.code);
          since = res.ok && res.data.hasMore ? res.data.lastSeq : 0;
          // A short pause between retries of a refused request.
          if (!res.ok) await new Promise((r) => setTimeout(r, 20));
        }
      });
      const quiet = await t.token({ sub: 'rb2-cust', accountId: 'rb2', role: 'customer' });
      const quietConv = (await t.http('POST', '/api/conversations', { token: quiet, body: {} })).body;
      const quietAgent = await t.connect({ token: await t.token({ sub: 'rb2-agent', accountId: 'rb2', role: 'agent' }) });
      for (let i = 0; i < 20; i++) {
        const res = await ask(quietAgent, 'send_message', { conversationId: quietConv.id, content: `quiet ${i}` }, 10_000);
        expect(res.error).toBeUndefined();
        expect(res.ok).toBe(true);
      }
      stop = true;
      await Promise.all(loops);
      // The storm was real, and its budget stopped it.
      expect(outcomes.filter((o) => o === 'ok').length).toBeGreaterThan(6);
      expect(outcomes).toContain('RATE_LIMITED');
    });

    it(
      'tells a client more than the threshold behind to resync over HTTP, on sync and on connect with auth.lastSeq',
      async () => {
        await writeLog(THRESHOLD + 10 - written);
        const socket = await agent('rb1-far');
        const told = nextEvent(socket, 'resync_required');
        const res = await ask(socket, 'sync', { since: 0 });
        expect(res.data).toEqual({ lastSeq: 0, replayed: 0, hasMore: true, resync: true });
        expect(await told).toMatchObject({ since: 0, threshold: THRESHOLD, lastSeq: expect.any(Number) });
        expect((await told).lastSeq).toBeGreaterThan(0);

        let complete: any;
        let resync: any;
        const reconnecting = await agent('rb1-far2', {
          auth: { lastSeq: 0 },
          before: (s) => {
            s.on('resync_required', (p) => (resync = p));
            s.on('sync_complete', (p) => (complete = p));
          },
        });
        await until(() => complete !== undefined, 5_000, 'sync_complete');
        expect(resync).toMatchObject({ since: 0, threshold: THRESHOLD });
        expect(complete).toMatchObject({ replayed: 0, hasMore: true, resync: true });
        expect(reconnecting.connected).toBe(true);
        // Close enough to the head, replay works as before: on sync, and on connect, in bounded calls.
        const head = (await told).lastSeq;
        const near = await ask(socket, 'sync', { since: head - 20 });
        expect(near.data).toMatchObject({ hasMore: false, replayed: 20 });
        let first: any;
        const resuming = await agent('rb1-near', {
          auth: { lastSeq: head - 200 },
          before: (s) => s.on('sync_complete', (p) => (first ??= p)),
        });
        await until(() => first !== undefined, 5_000, 'sync_complete on connect');
        expect(first).toMatchObject({ hasMore: true, replayed: PER_SYNC });
        const rest = await ask(resuming, 'sync', { since: first.lastSeq });
        expect(rest.data.hasMore).toBe(false);
        expect(rest.data.replayed).toBeGreaterThan(0);
      },
      LOG_WRITING_MS,
    );
  },
  // The per-event budget out of the way (a quiet tenant's 20 quick sends): what is under test is replay's own budget.
  // A 100 s window: replay's budget then refills 4 events a second, so a page (50) comes back only after 12 s,
  // and a loaded machine's pause between two syncs cannot refill what a test has just spent (with 10 s, 1.25 s
  // sufficed, seen under load). The per-event rate stays 100 a second with a 200-event burst.
  {
    REPLAY_PAGE_SIZE: PAGE,
    REPLAY_MAX_PER_SYNC: PER_SYNC,
    REPLAY_RESYNC_THRESHOLD: THRESHOLD,
    REPLAY_BUDGET_EVENTS: BUDGET,
    RATE_LIMIT_WINDOW_S: 100,
    RATE_LIMIT_POINTS: 10_000,
  },
);
