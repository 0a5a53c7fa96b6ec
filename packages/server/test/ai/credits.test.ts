import { defaultServer as S, streamServer as SSE } from '@switchboard/protocol';
import { expect, it } from 'vitest';

import { TRIAGE_JOB, triageJobId } from '../../src/ai/triage-service';
import { AI_WAIT, AiTenant, HELP } from '../support/ai-tenant';
import { nextEvent, record, settled } from '../support/events';
import { forEachServer } from '../support/server';
import { openSse } from '../support/sse';

forEachServer(
  'credits',
  (t) => {
    it('charges a classification and a reply once each, announcing credits_updated { balance, delta, reason } to staff', async () => {
      const tenant = await AiTenant.create(t, { aiAgent: true, knowledge: HELP, credits: 10 });
      const admin = await tenant.socket('admin');
      const customer = await tenant.socket('customer');
      const seen = record(admin);
      const customerSeen = record(customer);
      const id = await tenant.conversation();
      const completed = nextEvent(admin, S.ai_processing_completed.name, (p) => p.conversationId === id, AI_WAIT);
      await tenant.say(id, 'How do I reset my password?');
      await completed;

      const updates = seen.filter((e) => e.event === S.credits_updated.name).map((e) => e.payload);
      expect(updates).toMatchObject([
        { balance: 9, delta: -1, reason: 'classification' },
        { balance: 8, delta: -1, reason: 'reply' },
      ]);
      const { balance, ledger } = await tenant.credits();
      expect(balance).toBe(8);
      expect(ledger.map((e) => [e.reason, e.delta, e.balanceAfter])).toEqual([
        ['reply', -1, 8],
        ['classification', -1, 9],
        ['topup', 10, 10],
      ]);
      expect(customerSeen.filter((e) => e.event === S.credits_updated.name)).toEqual([]);
    });

    it('runs a finished job again without storing, charging or announcing anything more', async () => {
      const tenant = await AiTenant.create(t, { aiAgent: true, knowledge: HELP, credits: 10 });
      const admin = await tenant.socket('admin');
      const id = await tenant.conversation();
      const completed = nextEvent(admin, S.ai_processing_completed.name, (p) => p.conversationId === id, AI_WAIT);
      const message = await tenant.say(id, 'How do I reset my password?');
      await completed;
      const before = await tenant.credits();
      const seen = record(admin);

      // What a retry after a crash between the reply and the job's end would do.
      const data = { accountId: tenant.accountId, conversationId: id, messageId: message.id };
      await t.sb().services.ai.triage.run({
        id: triageJobId(message.id),
        kind: TRIAGE_JOB,
        data,
        attempt: 2,
        maxAttempts: 3,
        signal: new AbortController().signal,
      });
      await settled(admin);

      expect((await tenant.messages(id)).map((m) => m.role)).toEqual(['USER', 'ASSISTANT']);
      expect(await tenant.credits()).toEqual(before);
      expect(
        seen.filter((e) => e.event === S.credits_updated.name || e.event === S.ai_classification.name || e.event === S.new_message.name),
      ).toEqual([]);
    });

    it('stops AI replies at zero balance and hands the conversation off with credits_exhausted', async () => {
      const tenant = await AiTenant.create(t, { aiAgent: true, knowledge: HELP, credits: 1 });
      const admin = await tenant.socket('admin');
      const id = await tenant.conversation();
      const sse = await openSse(tenant.streamUrl(id), tenant.tokens.customer);
      const handoff = nextEvent(admin, S.handoff_triggered.name, (p) => p.conversationId === id, AI_WAIT);
      await tenant.say(id, 'How do I reset my password?');
      expect(await handoff).toMatchObject({ trigger: 'credits_exhausted', agentId: tenant.aiAgentId });
      expect(await sse.next(SSE.handoff.name)).toMatchObject({ conversationId: id });
      sse.close();
      const { balance, ledger } = await tenant.credits();
      expect(balance).toBe(0);
      expect(ledger.map((e) => e.reason)).toEqual(['classification', 'topup']);
      expect((await tenant.messages(id)).map((m) => m.role)).toEqual(['USER']);
      expect((await tenant.ok('GET', `/api/conversations/${id}`)).status).toBe('HANDED_OFF');
    });

    it('lets only admins top up; the same ref tops up once', async () => {
      const tenant = await AiTenant.create(t, { credits: 0 });
      const admin = await tenant.socket('admin');
      expect((await tenant.call('POST', '/api/credits/topup', { amount: 5 }, tenant.tokens.agent)).status).toBe(403);
      expect((await tenant.call('POST', '/api/credits/topup', { amount: 0 })).status).toBe(400);
      const announced = nextEvent(admin, S.credits_updated.name, undefined, AI_WAIT);
      const first = await tenant.call('POST', '/api/credits/topup', { amount: 50, ref: 'payment-1' });
      expect(first).toMatchObject({ status: 201, body: { balance: 50, created: true, entry: { delta: 50, reason: 'topup' } } });
      expect(await announced).toMatchObject({ balance: 50, delta: 50, reason: 'topup' });
      const again = await tenant.call('POST', '/api/credits/topup', { amount: 50, ref: 'payment-1' });
      expect(again).toMatchObject({ status: 200, body: { balance: 50, created: false } });
      expect((await tenant.ok('GET', '/api/credits', undefined, tenant.tokens.viewer)).balance).toBe(50);
    });

    it('charges what the tenant’s plan says', async () => {
      const tenant = await AiTenant.create(t, { aiAgent: true, knowledge: HELP, credits: 10 });
      await t.sb().services.db.query(`UPDATE accounts SET plan = '{"name":"pro"}' WHERE id = $1`, [tenant.accountId]);
      const admin = await tenant.socket('admin');
      const id = await tenant.conversation();
      const completed = nextEvent(admin, S.ai_processing_completed.name, (p) => p.conversationId === id, AI_WAIT);
      await tenant.say(id, 'How do I reset my password?');
      await completed;
      const { balance, ledger, costs } = await tenant.ok('GET', '/api/credits');
      expect(costs).toEqual({ classification: 0, draft: 1, reply: 3 });
      expect(balance).toBe(7);
      expect(ledger.map((e: { reason: string }) => e.reason)).toEqual(['reply', 'topup']);
    });
  },
  { AI_JOB_POLL_MS: 200, AI_PLAN_COSTS: { pro: { classification: 0, reply: 3 } } },
);
