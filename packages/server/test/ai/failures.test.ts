import { defaultServer as S, streamServer as SSE } from '@switchboard/protocol';
import { afterAll, beforeEach, expect, it } from 'vitest';

import { AiTenant, HELP } from '../support/ai-tenant';
import { nextEvent, record } from '../support/events';
import { type Behaviour, FakeOpenAi } from '../support/fake-openai';
import { forEachServer, INTERNAL_KEY, type ServerContext } from '../support/server';
import { openSse } from '../support/sse';

const fake = await FakeOpenAi.start();
afterAll(() => fake.close());
beforeEach(() => fake.reset());

/** A customer message in an AI-answered conversation whose AI work fails every attempt. */
async function failingTurn(t: ServerContext, tenant: AiTenant, text: string) {
  const admin = await tenant.socket('admin');
  const seen = record(admin);
  const id = await tenant.conversation();
  const sse = await openSse(tenant.streamUrl(id), tenant.tokens.customer);
  const delivered = nextEvent(admin, S.user_message.name, (p) => p.conversationId === id);
  const completed = nextEvent(admin, S.ai_processing_completed.name, (p) => p.conversationId === id, 10_000);
  const handoff = nextEvent(admin, S.handoff_triggered.name, (p) => p.conversationId === id, 10_000);
  const posted = await tenant.call('POST', `/api/conversations/${id}/messages`, { content: text }, tenant.tokens.customer);
  expect(posted.status).toBe(201);
  expect((await delivered).message).toMatchObject({ id: posted.body.id, content: text });
  const result = { id, message: posted.body, completed: await completed, handoff: await handoff, seen, sse };
  await sse.next(SSE.handoff.name);
  sse.close();
  const [job] = await t
    .sb()
    .services.db.query<{ status: string; attempts: number; last_error: string }>(
      "SELECT status, attempts, last_error FROM ai_jobs WHERE data->>'messageId' = $1",
      [posted.body.id],
    );
  return { ...result, job: job! };
}

forEachServer(
  'AI failures through an OpenAI-compatible server',
  (t) => {
    const cases: Array<[string, Behaviour, RegExp]> = [
      ['times out', { kind: 'slow', ms: 1_500 }, /no answer within/],
      ['answers garbage', { kind: 'garbage' }, /not JSON/],
      ['is down', { kind: 'hang-up' }, /unreachable/],
      ['fails with HTTP 500', { kind: 'status', status: 500 }, /HTTP 500/],
    ];
    it.each(cases)(
      'when the provider %s, the message is still stored and delivered, the job is retried then recorded failed, and people take over',
      async (_, behaviour, error) => {
        fake.script('classify', behaviour, behaviour);
        const tenant = await AiTenant.create(t, { aiAgent: true, knowledge: HELP });
        const { id, completed, handoff, job, seen } = await failingTurn(t, tenant, 'How do I reset my password?');

        expect(completed).toMatchObject({ ok: false });
        expect(handoff).toMatchObject({ trigger: 'ai_failure', agentId: tenant.aiAgentId });
        expect(job).toMatchObject({ status: 'failed', attempts: 2 });
        expect(job.last_error).toMatch(error);
        expect(fake.seen('classify')).toHaveLength(2);
        expect(seen.filter((e) => e.event === S.ai_processing_started.name)).toHaveLength(1);
        expect((await tenant.ok('GET', `/api/conversations/${id}`)).status).toBe('HANDED_OFF');
        expect(await tenant.credits()).toMatchObject({ balance: 100 });

        const metrics = (await t.http('GET', '/metrics', { headers: { 'x-internal-api-key': INTERNAL_KEY } })).body as string;
        expect(metrics).toMatch(/switchboard_ai_jobs_total\{kind="ai.triage",outcome="retried"\} [1-9]/);
        expect(metrics).toMatch(/switchboard_ai_jobs_total\{kind="ai.triage",outcome="failed"\} [1-9]/);
        expect(metrics).toContain('switchboard_ai_job_seconds_bucket{le="0.5",kind="ai.triage",outcome="failed"}');
      },
    );

    it('retries a reply whose stream broke off: the broken attempt is withdrawn, the reply is stored once and charged once', async () => {
      fake.script('reply', { kind: 'truncated' });
      const tenant = await AiTenant.create(t, { aiAgent: true, knowledge: HELP, credits: 10 });
      const id = await tenant.conversation();
      const sse = await openSse(tenant.streamUrl(id), tenant.tokens.customer);
      await tenant.say(id, 'How do I reset my password?');
      const done = await sse.next(SSE.done.name, undefined, 8_000);
      sse.close();

      const names = sse.events.map((e) => e.event);
      const broke = names.indexOf(SSE.error.name);
      expect(broke).toBeGreaterThan(0);
      expect(sse.events[broke]!.data).toMatchObject({ replyId: done.replyId, retrying: true });
      const retried = sse.events
        .slice(broke + 1)
        .filter((e) => e.event === SSE.token.name)
        .map((e) => e.data);
      expect(retried[0].index).toBe(0);
      expect(retried.map((tk) => tk.token).join('')).toBe(done.message.content);
      expect((await tenant.messages(id)).map((m) => m.role)).toEqual(['USER', 'ASSISTANT']);
      const { ledger } = await tenant.credits();
      expect(ledger.map((e) => e.reason)).toEqual(['reply', 'classification', 'topup']);
      expect(fake.seen('classify')).toHaveLength(1);
    });
  },
  {
    AI_PROVIDER: 'openai',
    AI_BASE_URL: fake.url,
    AI_API_KEY: 'test-key',
    AI_MODEL: 'test-model',
    AI_RETRIES: 0,
    AI_TIMEOUT_MS: 300,
    AI_JOB_ATTEMPTS: 2,
    AI_JOB_BACKOFF_MS: 50,
    AI_JOB_POLL_MS: 200,
  },
  ['pglite'],
);

forEachServer(
  'AI failures with the local provider',
  (t) => {
    it('a reply that outlasts the job timeout is retried, then recorded failed, and people take over', async () => {
      const tenant = await AiTenant.create(t, { aiAgent: true, knowledge: HELP, credits: 10 });
      const { completed, handoff, job, sse } = await failingTurn(t, tenant, 'How do I reset my password?');
      expect(completed).toMatchObject({ ok: false });
      expect(handoff).toMatchObject({ trigger: 'ai_failure' });
      expect(handoff.summary).toContain('provider failure');
      expect(job).toMatchObject({ status: 'failed', attempts: 2 });
      expect(job.last_error).toMatch(/timed out/);
      const errors = sse.events.filter((e) => e.event === SSE.error.name).map((e) => e.data.retrying);
      expect(errors).toEqual([true, false]);
      // The classification was done and paid once; no reply was paid for.
      expect((await tenant.credits()).ledger.map((e) => e.reason)).toEqual(['classification', 'topup']);
    });
  },
  { AI_LOCAL_TOKEN_DELAY_MS: 100, AI_JOB_TIMEOUT_MS: 500, AI_JOB_ATTEMPTS: 2, AI_JOB_BACKOFF_MS: 50, AI_JOB_POLL_MS: 200 },
  ['pglite'],
);
