import { defaultClient as C } from '@switchboard/protocol';
import type { Socket as ClientSocket } from 'socket.io-client';
import { expect, it } from 'vitest';

import { ask, sleep } from '../support/events';
import { forEachServer, type ServerContext } from '../support/server';

const QUIET_SENDS = 16;
const QUIET_RATE_PER_S = 4;
/** The default per-socket and per-user limits; the tenant ceiling lowered from 60 to 20 sends/s to spare the shared test machine. */
const LIMITS = { RATE_LIMIT_TENANT_POINTS: 200 };

type Tally = Record<string, number>;
const count = (tally: Tally, code: string) => (tally[code] = (tally[code] ?? 0) + 1);

/**
 * Calls `once` in rounds of `parallel` until `stop` says so; tallies each answer's outcome. Each round is
 * larger than the budget it draws on holds at once, so every channel is refused however slow the server.
 */
async function flood(stop: () => boolean, parallel: number, once: (n: number) => Promise<string>, tally: Tally): Promise<void> {
  while (!stop()) {
    const outcomes = await Promise.all(Array.from({ length: parallel }, (_, n) => once(n).catch(() => 'NO_ANSWER')));
    for (const o of outcomes) count(tally, o);
  }
}

async function sockets(t: ServerContext, tenant: string, n: number, conversationId: string): Promise<ClientSocket[]> {
  return Promise.all(
    Array.from({ length: n }, async (_, i) => {
      const socket = await t.connect({ token: await t.token({ sub: `${tenant}-agent-${i}`, accountId: tenant, role: 'agent' }) });
      expect((await ask(socket, C.join_conversation.name, conversationId)).ok).toBe(true);
      return socket;
    }),
  );
}

forEachServer(
  'fairness: a tenant flooding at its limits does not refuse or drop a quiet tenant',
  (t) => {
    it('acks every send of a tenant chatting at 4 msg/s while another floods sockets, HTTP and sync', async () => {
      const noisyToken = await t.token({ sub: 'noisy-http', accountId: 'fair-noisy', role: 'agent' });
      const noisyConversation = (await t.http('POST', '/api/conversations', { token: noisyToken, body: {} })).body.id as string;
      const flooders = await sockets(t, 'fair-noisy', 5, noisyConversation);
      const quietToken = await t.token({ sub: 'quiet-cust', accountId: 'fair-quiet', role: 'customer' });
      const quietConversation = (await t.http('POST', '/api/conversations', { token: quietToken, body: {} })).body.id as string;
      const quiet = await t.connect({ token: quietToken });
      expect((await ask(quiet, C.join_conversation.name, quietConversation)).ok).toBe(true);

      let done = false;
      const tally: Record<'socket' | 'http' | 'sync', Tally> = { socket: {}, http: {}, sync: {} };
      const outcome = (r: { ok: boolean; error?: { code: string } }) => (r.ok ? 'ok' : r.error!.code);
      const floods = [
        ...flooders.slice(0, 4).map((s) =>
          flood(
            () => done,
            20,
            async (n) =>
              outcome(
                await ask(
                  s,
                  n % 2 ? C.typing_start.name : C.send_message.name,
                  { conversationId: noisyConversation, content: 'flood' },
                  30_000,
                ),
              ),
            tally.socket,
          ),
        ),
        flood(
          () => done,
          15,
          async () => outcome(await ask(flooders[4]!, C.sync.name, { since: 0 }, 30_000)),
          tally.sync,
        ),
        flood(
          () => done,
          100,
          async () => {
            const res = await t.http('POST', `/api/conversations/${noisyConversation}/messages`, {
              token: noisyToken,
              body: { content: 'flood' },
            });
            return res.status === 201 ? 'ok' : (res.body?.error?.code ?? String(res.status));
          },
          tally.http,
        ),
      ];

      // The quiet tenant sends on a fixed schedule, not waiting for acks, as a person typing would.
      const quietAnswers: Array<Promise<{ ok: boolean; error?: { code: string } }>> = [];
      for (let i = 0; i < QUIET_SENDS; i++) {
        quietAnswers.push(ask(quiet, C.send_message.name, { conversationId: quietConversation, content: `quiet ${i}` }, 30_000));
        // Pacing, not synchronisation: the quiet tenant's fixed schedule.
        await sleep(1_000 / QUIET_RATE_PER_S);
      }
      const answers = await Promise.all(quietAnswers);
      done = true;
      await Promise.all(floods);

      expect(answers.map(outcome)).toEqual(Array(QUIET_SENDS).fill('ok'));
      expect(tally.socket.RATE_LIMITED).toBeGreaterThan(0);
      expect(tally.http.RATE_LIMITED).toBeGreaterThan(0);
      expect(tally.sync.RATE_LIMITED).toBeGreaterThan(0);
      // Every flood event was answered (the noisy tenant's own queue may be slow on a loaded machine), none dropped.
      for (const kind of ['socket', 'http', 'sync'] as const) expect(tally[kind].NO_ANSWER ?? 0).toBe(0);
    }, 120_000);
  },
  LIMITS,
);
