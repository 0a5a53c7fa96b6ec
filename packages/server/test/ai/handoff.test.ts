import { defaultServer as S, notificationsServer as N, streamServer as SSE } from '@switchboard/protocol';
import { expect, it } from 'vitest';

import { namespaceClients } from '../namespaces/namespace-clients';
import { AI_WAIT, AiTenant, HELP } from '../support/ai-tenant';
import { nextEvent } from '../support/events';
import { forEachServer } from '../support/server';
import { openSse } from '../support/sse';

forEachServer(
  'handoff to people (local provider)',
  (t) => {
    const clients = namespaceClients(t);

    /** One customer message in a fresh AI-answered conversation, and the handoff it causes. */
    async function handoffAfter(tenant: AiTenant, ...messages: string[]) {
      const admin = await tenant.socket('admin');
      const id = await tenant.conversation();
      const sse = await openSse(tenant.streamUrl(id), tenant.tokens.customer);
      const triggered = nextEvent(admin, S.handoff_triggered.name, (p) => p.conversationId === id, 8_000);
      const statusChanged = nextEvent(
        admin,
        S.conversation_status_changed.name,
        (p) => p.conversationId === id && p.status === 'HANDED_OFF',
        8_000,
      );
      for (const [i, text] of messages.entries()) {
        const replied = i < messages.length - 1 ? sse.next(SSE.done.name) : null;
        await tenant.say(id, text);
        await replied;
      }
      const handoff = await triggered;
      await statusChanged;
      const streamed = await sse.next(SSE.handoff.name);
      sse.close();
      return { id, handoff, streamed, sse };
    }

    it('hands off when the best answer’s confidence is below the threshold: no reply, a record with a summary, status HANDED_OFF', async () => {
      const tenant = await AiTenant.create(t, { aiAgent: true, knowledge: HELP });
      const { id, handoff, streamed, sse } = await handoffAfter(tenant, 'What is the meaning of life?');
      expect(handoff).toMatchObject({
        conversationId: id,
        trigger: 'low_confidence',
        destination: { type: 'queue' },
        agentId: tenant.aiAgentId,
        handoffId: expect.any(String),
      });
      expect(handoff.summary).toContain('meaning of life');
      expect(streamed).toMatchObject({ conversationId: id });
      expect(sse.events.filter((e) => e.event === SSE.token.name)).toEqual([]);
      expect((await tenant.ok('GET', `/api/conversations/${id}`)).status).toBe('HANDED_OFF');
      expect((await tenant.ok('GET', `/api/conversations/${id}/handoffs`)).handoffs).toMatchObject([
        { id: handoff.handoffId, trigger: 'low_confidence', summary: handoff.summary, agentId: tenant.aiAgentId },
      ]);
      expect((await tenant.messages(id)).map((m) => m.role)).toEqual(['USER']);
    });

    it('hands off when the customer asks for a person', async () => {
      const tenant = await AiTenant.create(t, { aiAgent: true, knowledge: HELP });
      const { handoff } = await handoffAfter(tenant, 'Can I talk to a human please?');
      expect(handoff).toMatchObject({ trigger: 'human_requested' });
      expect(handoff.summary).toContain('asked for a person');
    });

    it('hands off at the second negative message, after answering the first', async () => {
      const tenant = await AiTenant.create(t, { aiAgent: true, knowledge: HELP });
      const { id, handoff } = await handoffAfter(
        tenant,
        'The app crashes all the time, this is terrible',
        'It crashed again, I hate this app, awful',
      );
      expect(handoff).toMatchObject({ trigger: 'negative_sentiment' });
      expect((await tenant.messages(id)).map((m) => m.role)).toEqual(['USER', 'ASSISTANT', 'USER']);
      expect(handoff.summary).toContain('1 AI reply');
    });

    it('hands off on a keyword of the tenant’s rules', async () => {
      const tenant = await AiTenant.create(t, { aiAgent: true, knowledge: HELP, handoff: { keywords: ['lawyer', 'chargeback'] } });
      const { handoff } = await handoffAfter(tenant, 'Answer now or my lawyer will call you');
      expect(handoff).toMatchObject({ trigger: 'keyword' });
      expect(handoff.summary).toContain('lawyer');
    });

    it('hands off to the destination agent: assigned, notified, and later messages get drafts instead of AI replies', async () => {
      const tenant = await AiTenant.create(t, { aiAgent: true, knowledge: HELP, handoff: { destination: { type: 'agent', id: 'blair' } } });
      const blair = await tenant.socket('agent2');
      const inbox = await clients.open('notifications', tenant.tokens.agent2);
      const notified = nextEvent(inbox, N.notification.name, (n) => n.kind === 'handoff', AI_WAIT);
      const assigned = nextEvent(blair, S.conversation_assigned.name, (p) => p.agentId === 'blair', AI_WAIT);
      const { id, handoff } = await handoffAfter(tenant, 'I need a real person');
      expect(handoff).toMatchObject({ trigger: 'human_requested', destination: { type: 'agent', id: 'blair' } });
      expect(await assigned).toMatchObject({ conversationId: id, agentId: 'blair' });
      expect(await notified).toMatchObject({ data: { conversationId: id, handoffId: handoff.handoffId } });

      const draft = nextEvent(blair, S.ai_draft.name, (p) => p.conversationId === id, AI_WAIT);
      await tenant.say(id, 'How do I reset my password?');
      expect(await draft).toMatchObject({ draft: { content: HELP[0]!.body } });
      expect((await tenant.messages(id)).map((m) => m.role)).toEqual(['USER', 'USER']);
    });
  },
  { AI_JOB_POLL_MS: 200 },
  ['pglite'],
);
