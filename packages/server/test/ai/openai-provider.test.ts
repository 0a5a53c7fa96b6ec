import { defaultClient as C, defaultServer as S, streamServer as SSE } from '@switchboard/protocol';
import { afterAll, beforeEach, expect, it } from 'vitest';

import { AI_WAIT, AiTenant, HELP } from '../support/ai-tenant';
import { ask, nextEvent } from '../support/events';
import { FakeOpenAi } from '../support/fake-openai';
import { forEachServer } from '../support/server';
import { openSse } from '../support/sse';

const fake = await FakeOpenAi.start();
afterAll(() => fake.close());
beforeEach(() => fake.reset());

const PASSWORD_ANSWER = `From our help center: ${HELP[0]!.body}`;

forEachServer(
  'AI through an OpenAI-compatible server',
  (t) => {
    it('classifies with the model and streams its reply over SSE, then stores it once with the model’s confidence', async () => {
      const tenant = await AiTenant.create(t, { aiAgent: true, knowledge: HELP });
      const admin = await tenant.socket('admin');
      const id = await tenant.conversation();
      const sse = await openSse(tenant.streamUrl(id), tenant.tokens.customer);
      const classified = nextEvent(admin, S.ai_classification.name, (p) => p.conversationId === id, AI_WAIT);
      await tenant.say(id, 'I forgot my password, how do I reset it?');
      const done = await sse.next(SSE.done.name);
      sse.close();

      expect(await classified).toMatchObject({
        category: 'account',
        sentiment: 'neutral',
        priority: 'medium',
        language: 'en',
        confidence: 0.88,
      });
      const tokens = sse.events.filter((e) => e.event === SSE.token.name).map((e) => e.data.token);
      expect(tokens.length).toBeGreaterThan(5);
      expect(tokens.join('')).toBe(PASSWORD_ANSWER);
      expect(done.message).toMatchObject({ role: 'ASSISTANT', content: PASSWORD_ANSWER, confidence: 0.9 });
      expect((await tenant.messages(id)).map((m) => m.role)).toEqual(['USER', 'ASSISTANT']);

      const [classify] = fake.seen('classify');
      const [reply] = fake.seen('reply');
      expect(classify!.headers.authorization).toBe('Bearer test-key');
      expect(classify!.body).toMatchObject({ model: 'test-model', stream: false, response_format: { type: 'json_object' } });
      expect(reply!.body).toMatchObject({ model: 'test-model', stream: true, logprobs: true });
      expect(reply!.body.messages.at(-1)).toEqual({ role: 'user', content: 'I forgot my password, how do I reset it?' });
      expect(reply!.body.messages[0].content).toContain(HELP[0]!.body);
    });

    it('takes a whole answer from a server that ignores stream: true', async () => {
      fake.script('reply', { kind: 'no-stream' });
      const tenant = await AiTenant.create(t, { aiAgent: true, knowledge: HELP });
      const id = await tenant.conversation();
      const sse = await openSse(tenant.streamUrl(id), tenant.tokens.customer);
      await tenant.say(id, 'How do I reset my password?');
      expect((await sse.next(SSE.done.name)).message).toMatchObject({ content: PASSWORD_ANSWER, confidence: 0.9 });
      sse.close();
    });

    it('withdraws a streamed reply the model was unsure of and hands off with low_confidence', async () => {
      fake.tokenProbability = 0.2;
      const tenant = await AiTenant.create(t, { aiAgent: true, knowledge: HELP });
      const admin = await tenant.socket('admin');
      const id = await tenant.conversation();
      const sse = await openSse(tenant.streamUrl(id), tenant.tokens.customer);
      const handoff = nextEvent(admin, S.handoff_triggered.name, (p) => p.conversationId === id, AI_WAIT);
      await tenant.say(id, 'How do I reset my password?');
      const withdrawn = await sse.next(SSE.handoff.name);
      sse.close();
      const tokens = sse.events.filter((e) => e.event === SSE.token.name).map((e) => e.data);
      expect(tokens.length).toBeGreaterThan(0);
      expect(withdrawn.replyId).toBe(tokens[0].replyId);
      expect(await handoff).toMatchObject({ trigger: 'low_confidence' });
      expect((await tenant.messages(id)).map((m) => m.role)).toEqual(['USER']);
    });

    it('never shows a customer the model’s refusal: it hands off without streaming a token', async () => {
      const tenant = await AiTenant.create(t, { aiAgent: true });
      const admin = await tenant.socket('admin');
      const id = await tenant.conversation();
      const sse = await openSse(tenant.streamUrl(id), tenant.tokens.customer);
      const handoff = nextEvent(admin, S.handoff_triggered.name, (p) => p.conversationId === id, AI_WAIT);
      await tenant.say(id, 'Which plan suits a team of forty?');
      expect(await handoff).toMatchObject({ trigger: 'low_confidence' });
      await sse.next(SSE.handoff.name);
      sse.close();
      expect(sse.events.filter((e) => e.event === SSE.token.name)).toEqual([]);
    });

    it('retries a rate-limited and a failing request before it counts as a failure', async () => {
      fake.script('classify', { kind: 'status', status: 429, retryAfterS: 0 }, { kind: 'status', status: 503 });
      const tenant = await AiTenant.create(t);
      const admin = await tenant.socket('admin');
      const id = await tenant.conversation();
      const classified = nextEvent(admin, S.ai_classification.name, (p) => p.conversationId === id, AI_WAIT);
      await tenant.say(id, 'URGENT: I cannot log in');
      expect(await classified).toMatchObject({ priority: 'urgent', category: 'account' });
      expect(fake.seen('classify')).toHaveLength(3);
    });

    it('drops the optional response_format and logprobs when a server refuses them', async () => {
      fake.script('classify', { kind: 'status', status: 400 });
      const tenant = await AiTenant.create(t);
      const admin = await tenant.socket('admin');
      const id = await tenant.conversation();
      const classified = nextEvent(admin, S.ai_classification.name, (p) => p.conversationId === id, AI_WAIT);
      await tenant.say(id, 'I cannot log in');
      expect(await classified).toMatchObject({ category: 'account' });
      const [refused, plain] = fake.seen('classify');
      expect(refused!.body.response_format).toEqual({ type: 'json_object' });
      expect(plain!.body).not.toHaveProperty('response_format');
    });

    it('drafts for the assignee with the model', async () => {
      const tenant = await AiTenant.create(t, { knowledge: HELP });
      const alex = await tenant.socket('agent');
      const admin = await tenant.socket('admin');
      const id = await tenant.conversation();
      await ask(admin, C.assign_conversation.name, { conversationId: id, agentId: 'alex' });
      const draft = nextEvent(alex, S.ai_draft.name, (p) => p.conversationId === id, AI_WAIT);
      await tenant.say(id, 'How do I reset my password?');
      expect(await draft).toMatchObject({ draft: { content: PASSWORD_ANSWER }, confidence: 0.9 });
      expect(fake.seen('draft')[0]!.body).toMatchObject({ stream: false });
    });
  },
  {
    AI_PROVIDER: 'openai',
    AI_BASE_URL: fake.url,
    AI_API_KEY: 'test-key',
    AI_MODEL: 'test-model',
    AI_RETRIES: 2,
    AI_TIMEOUT_MS: 2_000,
    AI_JOB_ATTEMPTS: 3,
    AI_JOB_BACKOFF_MS: 50,
    AI_JOB_POLL_MS: 200,
  },
  ['pglite'],
);
