import { defaultClient as C } from '@switchboard/protocol';
import { expect, it } from 'vitest';

import { eventCost } from '../../src/transport/write-costs';
import { ask, nextEvent, sleep } from '../support/events';
import { forEachServer, type ServerContext } from '../support/server';

// A socket earns 1 point/s and may spend 2 at once; a user 3/s (6 at once); a tenant 4/s (8 at once).
const LIMITS = { RATE_LIMIT_POINTS: 10, RATE_LIMIT_WINDOW_S: 10, RATE_LIMIT_TENANT_POINTS: 40 };
const SOCKET_BURST = 2;
const SOCKET_PER_S = 1;

const refused = (r: { error?: { code: string } }) => r.error?.code === 'RATE_LIMITED';

async function agentWithConversation(t: ServerContext, tenant: string, sub = `${tenant}-agent`) {
  const token = await t.token({ sub, accountId: tenant, role: 'agent' });
  const conversation = (await t.http('POST', '/api/conversations', { token, body: {} })).body;
  expect(conversation.id).toEqual(expect.any(String));
  return { token, conversationId: conversation.id as string };
}

/** A raw request, for the headers. */
async function post(t: ServerContext, path: string, token: string, body: unknown, method = 'POST') {
  const res = await fetch(t.url(path), {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, retryAfter: res.headers.get('retry-after'), body: await res.json() };
}

forEachServer(
  'rate limits: one smooth budget per socket, user and tenant',
  (t) => {
    it('does not multiply the budget for a socket that cycles through event names', async () => {
      const socket = await t.connect({ token: await t.token({ sub: 'cy-agent', accountId: 'rl-cycle', role: 'agent' }) });
      const names = Object.keys(C).filter((n) => n !== C.authenticate.name);
      const started = Date.now();
      // Payloads do not matter: the budget is spent before the payload is read, so a refusal is RATE_LIMITED whatever follows.
      const answers = await Promise.all(
        names.flatMap((name) => Array.from({ length: 4 }, async () => ({ name, res: await ask(socket, name, {}) }))),
      );
      const elapsedS = (Date.now() - started) / 1_000;
      const spent = answers.filter((a) => !refused(a.res)).reduce((sum, a) => sum + eventCost(a.name), 0);
      // Buckets per name let 4 of each through (every name's own 10 points); one budget lets through what it holds plus what it earned.
      expect(spent).toBeLessThanOrEqual(SOCKET_BURST + SOCKET_PER_S * elapsedS + 1e-9);
      expect(answers.filter((a) => refused(a.res)).length).toBeGreaterThan(answers.length / 2);
    });

    it('smooths a burst: a few sends pass at once, then one per interval, and retryAfterMs says when', async () => {
      const { token, conversationId } = await agentWithConversation(t, 'rl-burst');
      const socket = await t.connect({ token });
      const started = Date.now();
      const answers = await Promise.all(
        Array.from({ length: 10 }, (_, i) => ask(socket, C.send_message.name, { conversationId, content: `burst ${i}` })),
      );
      const elapsedS = (Date.now() - started) / 1_000;
      const passed = answers.filter((r) => r.ok).length;
      expect(passed).toBeGreaterThanOrEqual(1);
      expect(passed).toBeLessThanOrEqual(SOCKET_BURST + SOCKET_PER_S * elapsedS);
      const waits = answers.filter(refused).map((r) => r.error!.details.retryAfterMs as number);
      expect(waits.length).toBeGreaterThan(0);
      // The wait is one point's refill (1 s here), not the rest of a 10 s window.
      for (const w of waits) {
        expect(w).toBeGreaterThan(0);
        expect(w).toBeLessThanOrEqual(1_000 / SOCKET_PER_S);
      }
      // About time: the refill the server asked for.
      await sleep(Math.max(...waits));
      expect((await ask(socket, C.send_message.name, { conversationId, content: 'after the wait' })).ok).toBe(true);
      // What was earned was one send, not a new burst.
      expect(refused(await ask(socket, C.send_message.name, { conversationId, content: 'too soon' }))).toBe(true);
    });

    it('answers an HTTP flood from one agent with 429 RATE_LIMITED, retryAfterMs and Retry-After, on every write route', async () => {
      const { token, conversationId } = await agentWithConversation(t, 'rl-http');
      const started = Date.now();
      const answers = await Promise.all(
        Array.from({ length: 20 }, (_, i) => post(t, `/api/conversations/${conversationId}/messages`, token, { content: `flood ${i}` })),
      );
      const elapsedS = (Date.now() - started) / 1_000;
      const created = answers.filter((a) => a.status === 201).length;
      expect(created).toBeGreaterThanOrEqual(1);
      // The user holds at most 6 points and earns 3/s.
      expect(created).toBeLessThanOrEqual(6 + 3 * elapsedS);
      const limited = answers.filter((a) => a.status === 429);
      expect(limited.length).toBe(20 - created);
      for (const a of limited) {
        expect(a.body).toEqual({
          error: {
            code: 'RATE_LIMITED',
            message: expect.any(String),
            details: expect.objectContaining({ retryAfterMs: expect.any(Number) }),
          },
        });
        expect(a.body.error.details.retryAfterMs).toBeGreaterThan(0);
        expect(Number(a.retryAfter)).toBe(Math.max(1, Math.ceil(a.body.error.details.retryAfterMs / 1_000)));
      }
      // Every write route spends the same budget, before doing anything, and the user's sockets share it.
      const writes: Array<[string, string]> = [
        ['POST', '/api/conversations'],
        ['POST', `/api/conversations/${conversationId}/messages`],
        ['POST', '/api/tickets'],
        ['PATCH', '/api/tickets/t-none'],
        ['POST', '/api/tickets/t-none/assign'],
        ['PATCH', '/api/ai/settings'],
        ['POST', '/api/ai/agents'],
        ['PATCH', '/api/ai/agents/a-none'],
        ['POST', '/api/ai/knowledge'],
        ['PATCH', '/api/ai/knowledge/k-none'],
        ['DELETE', '/api/ai/knowledge/k-none'],
        ['POST', '/api/credits/topup'],
      ];
      // The user earns 3 points/s meanwhile, so each route gets a small burst of its own: some of it must be refused.
      for (const [method, path] of writes) {
        const statuses = await Promise.all(Array.from({ length: 16 }, () => post(t, path, token, {}, method).then((r) => r.status)));
        expect([method, path, statuses.includes(429)]).toEqual([method, path, true]);
      }
      // HTTP and a socket of the same user at once: together they get one user's budget, not one each.
      const socket = await t.connect({ token });
      const both = Date.now();
      const [viaHttp, viaSocket] = await Promise.all([
        Promise.all(
          Array.from({ length: 16 }, (_, i) => post(t, `/api/conversations/${conversationId}/messages`, token, { content: `both ${i}` })),
        ),
        Promise.all(
          Array.from({ length: 2 }, (_, i) => ask(socket, C.send_message.name, { conversationId, content: `from a socket ${i}` })),
        ),
      ]);
      const together = viaHttp.filter((a) => a.status === 201).length + viaSocket.filter((r) => r.ok).length;
      expect(together).toBeLessThanOrEqual(6 + 3 * ((Date.now() - both) / 1_000));
      // Reads are not charged.
      expect((await t.http('GET', `/api/conversations/${conversationId}/messages`, { token })).status).toBe(200);
    });

    it("stops a tenant at its ceiling while another tenant's sends still go through", async () => {
      const { conversationId } = await agentWithConversation(t, 'rl-loud');
      const agents = await Promise.all(
        Array.from({ length: 8 }, async (_, i) =>
          t.connect({ token: await t.token({ sub: `loud-${i}`, accountId: 'rl-loud', role: 'agent' }) }),
        ),
      );
      // Two sends each: within every socket's and user's budget, far beyond the tenant's 8 points at once.
      const answers = (
        await Promise.all(
          agents.flatMap((s, i) => [0, 1].map((n) => ask(s, C.send_message.name, { conversationId, content: `loud ${i}.${n}` }))),
        )
      ).flat();
      expect(answers.filter((r) => r.ok).length).toBeGreaterThanOrEqual(1);
      const limited = answers.filter(refused);
      expect(limited.length).toBeGreaterThanOrEqual(1);
      for (const r of limited) expect(r.error!.details).toMatchObject({ scope: 'tenant', limit: 40 });

      const quiet = await agentWithConversation(t, 'rl-quiet');
      const socket = await t.connect({ token: quiet.token });
      const echo = nextEvent(socket, 'message_sent');
      for (let n = 0; n < 2; n++)
        expect((await ask(socket, C.send_message.name, { conversationId: quiet.conversationId, content: `quiet ${n}` })).ok).toBe(true);
      await echo;
    });
  },
  LIMITS,
);
