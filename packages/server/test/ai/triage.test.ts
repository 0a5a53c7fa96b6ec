import { defaultClient as C, defaultServer as S } from '@switchboard/protocol';
import { expect, it } from 'vitest';

import { AI_WAIT, AiTenant, HELP } from '../support/ai-tenant';
import { ask, nextEvent, quiet, record, settled } from '../support/events';
import { forEachServer } from '../support/server';

const AI_EVENTS: string[] = [S.ai_processing_started.name, S.ai_classification.name, S.ai_draft.name, S.ai_processing_completed.name];
const aiEvents = (seen: Array<{ event: string; payload: any }>) => seen.filter((e) => AI_EVENTS.includes(e.event));

forEachServer(
  'AI triage (local provider)',
  (t) => {
    it('classifies a customer message: ai_processing_started, ai_classification, ai_processing_completed reach staff; the classification is stored on the conversation', async () => {
      const tenant = await AiTenant.create(t);
      const admin = await tenant.socket('admin');
      const customer = await tenant.socket('customer');
      const staffSeen = record(admin);
      const customerSeen = record(customer);
      const id = await tenant.conversation();
      expect((await ask(customer, C.join_conversation.name, id)).ok).toBe(true);

      const completed = nextEvent(admin, S.ai_processing_completed.name, (p) => p.conversationId === id, AI_WAIT);
      const message = await tenant.say(id, 'URGENT: my card was charged twice and I want a refund. This is terrible.');
      const done = await completed;

      expect(done).toMatchObject({ conversationId: id, messageId: message.id, ok: true, durationMs: expect.any(Number) });
      expect(aiEvents(staffSeen).map((e) => e.event)).toEqual([
        S.ai_processing_started.name,
        S.ai_classification.name,
        S.ai_processing_completed.name,
      ]);
      const classified = aiEvents(staffSeen)[1]!.payload;
      expect(classified).toMatchObject({
        conversationId: id,
        messageId: message.id,
        priority: 'urgent',
        sentiment: 'negative',
        category: 'billing',
        language: 'en',
      });
      expect(classified.confidence).toBeGreaterThan(0.5);
      expect((await tenant.ok('GET', `/api/conversations/${id}`)).classification).toMatchObject({
        priority: 'urgent',
        sentiment: 'negative',
        category: 'billing',
      });
      // Triage is for staff: the customer hears its own message, nothing about how it was judged.
      expect(aiEvents(customerSeen)).toEqual([]);
    });

    it('uses the tenant’s own rules: an edited category keyword decides the category', async () => {
      const tenant = await AiTenant.create(t);
      const settings = await tenant.ok('GET', '/api/ai/settings');
      await tenant.ok('PATCH', '/api/ai/settings', {
        rules: { categories: [...settings.rules.categories, { category: 'gardening', keywords: ['tulip', 'rose bush'] }] },
      });
      const admin = await tenant.socket('admin');
      const id = await tenant.conversation();
      const classified = nextEvent(admin, S.ai_classification.name, (p) => p.conversationId === id, AI_WAIT);
      await tenant.say(id, 'My rose bushes arrived with no tulips');
      expect(await classified).toMatchObject({ category: 'gardening' });
    });

    it('sends a draft to the assigned agent and to nobody else', async () => {
      const tenant = await AiTenant.create(t, { knowledge: HELP });
      const [alex, blair, admin, viewer, customer] = await Promise.all(
        (['agent', 'agent2', 'admin', 'viewer', 'customer'] as const).map((who) => tenant.socket(who)),
      );
      const seen = [alex, blair, admin, viewer, customer].map((s) => record(s!));
      const id = await tenant.conversation();
      await ask(customer!, C.join_conversation.name, id);
      for (const s of [alex, blair, admin, viewer]) await ask(s!, C.join_conversation.name, id);
      expect((await ask(admin!, C.assign_conversation.name, { conversationId: id, agentId: 'alex' })).ok).toBe(true);

      const completed = nextEvent(admin!, S.ai_processing_completed.name, (p) => p.conversationId === id, AI_WAIT);
      const message = await tenant.say(id, 'How do I reset my password?');
      await completed;
      await settled(alex!, blair!, admin!, viewer!, customer!);

      const drafts = seen.map((events) => events.filter((e) => e.event === S.ai_draft.name));
      expect(drafts.map((d) => d.length)).toEqual([1, 0, 0, 0, 0]);
      expect(drafts[0]![0]!.payload).toMatchObject({
        conversationId: id,
        messageId: message.id,
        draft: { content: HELP[0]!.body },
        confidence: 1,
      });
    });

    it('gives a tenant with AI off no AI work and no charge', async () => {
      const tenant = await AiTenant.create(t, { enabled: false, knowledge: HELP });
      const admin = await tenant.socket('admin');
      const seen = record(admin);
      const id = await tenant.conversation();
      const delivered = nextEvent(admin, S.user_message.name, (p) => p.conversationId === id);
      const message = await tenant.say(id, 'How do I reset my password?');
      await delivered;
      // Nothing follows that could serve as a barrier: a quiet window is the assertion.
      await quiet(300, admin, AI_EVENTS);
      expect(aiEvents(seen)).toEqual([]);
      const jobs = await t.sb().services.db.query("SELECT id FROM ai_jobs WHERE data->>'messageId' = $1", [message.id]);
      expect(jobs).toEqual([]);
      const { balance, ledger } = await tenant.credits();
      expect(balance).toBe(100);
      expect(ledger.map((e) => e.reason)).toEqual(['topup']);
    });

    it('gives a tenant without credits no AI work and no charge', async () => {
      const tenant = await AiTenant.create(t, { credits: 0, knowledge: HELP });
      const admin = await tenant.socket('admin');
      const seen = record(admin);
      const id = await tenant.conversation();
      const delivered = nextEvent(admin, S.user_message.name, (p) => p.conversationId === id);
      await tenant.say(id, 'How do I reset my password?');
      await delivered;
      // The job runs and finds no credits: nothing follows that could serve as a barrier, so a quiet window.
      await quiet(300, admin, AI_EVENTS);
      expect(aiEvents(seen)).toEqual([]);
      expect(await tenant.credits()).toMatchObject({ balance: 0, ledger: [] });
      expect((await tenant.ok('GET', `/api/conversations/${id}`)).classification ?? null).toBeNull();
    });

    it('lets admins change AI settings and refuses everyone else', async () => {
      const tenant = await AiTenant.create(t, { enabled: false, credits: 0 });
      expect((await tenant.call('PATCH', '/api/ai/settings', { enabled: true }, tenant.tokens.agent)).status).toBe(403);
      expect((await tenant.call('GET', '/api/ai/settings', undefined, tenant.tokens.customer)).status).toBe(403);
      const bad = await tenant.call('PATCH', '/api/ai/settings', { handoff: { confidenceThreshold: 3 } });
      expect(bad).toMatchObject({ status: 400, body: { error: { code: 'VALIDATION_FAILED' } } });
      const saved = await tenant.ok('PATCH', '/api/ai/settings', { enabled: true, handoff: { keywords: ['lawyer'] } });
      expect(saved).toMatchObject({ enabled: true, handoff: { keywords: ['lawyer'], negativeSentimentCount: 2 } });
      expect(await tenant.ok('GET', '/api/ai/settings', undefined, tenant.tokens.agent)).toMatchObject({
        enabled: true,
        handoff: { keywords: ['lawyer'] },
      });
    });
  },
  { AI_JOB_POLL_MS: 200 },
  ['pglite'],
);
