import { defaultClient as C, defaultServer as S, streamServer as SSE, widgetServer as W } from '@switchboard/protocol';
import { expect, it } from 'vitest';

import { AI_WAIT, AiTenant, HELP } from '../support/ai-tenant';
import { ask, nextEvent, record, settled } from '../support/events';
import { forEachServer } from '../support/server';
import { openSse } from '../support/sse';

forEachServer(
  'AI agent replies (local provider)',
  (t) => {
    it('streams the reply over SSE token by token while it is written, then stores it once as an ASSISTANT message with confidence and latencyMs', async () => {
      const tenant = await AiTenant.create(t, { aiAgent: true, knowledge: HELP });
      const admin = await tenant.socket('admin');
      const id = await tenant.conversation();
      const sse = await openSse(tenant.streamUrl(id), tenant.tokens.customer);
      expect(sse.status).toBe(200);
      const staffCopy = nextEvent(admin, S.new_message.name, (p) => p.conversationId === id && p.role === 'ASSISTANT', AI_WAIT);
      const completed = nextEvent(admin, S.ai_processing_completed.name, (p) => p.conversationId === id, AI_WAIT);

      await tenant.say(id, 'How do I reset my password?');
      const done = await sse.next(SSE.done.name);
      sse.close();

      const tokens = sse.events.filter((e) => e.event === SSE.token.name).map((e) => e.data);
      expect(tokens.length).toBeGreaterThan(5);
      expect(tokens.map((tk) => tk.index)).toEqual(tokens.map((_, i) => i));
      expect(tokens.every((tk) => tk.replyId === done.replyId && tk.conversationId === id)).toBe(true);
      expect(tokens.map((tk) => tk.token).join('')).toBe(HELP[0]!.body);
      expect(sse.events.findIndex((e) => e.event === SSE.done.name)).toBe(sse.events.length - 1);
      expect(done.message).toMatchObject({
        conversationId: id,
        role: 'ASSISTANT',
        senderId: null,
        content: HELP[0]!.body,
        confidence: 1,
        clientMessageId: done.replyId,
      });
      expect(done.message.latencyMs).toEqual(expect.any(Number));

      expect((await staffCopy).message).toMatchObject({
        id: done.message.id,
        role: 'ASSISTANT',
        confidence: 1,
        latencyMs: done.message.latencyMs,
      });
      await completed;
      const stored = await tenant.messages(id);
      expect(stored.map((m) => m.role)).toEqual(['USER', 'ASSISTANT']);
    });

    it('answers every reader of the conversation’s stream, and the customer’s widget socket gets the stored reply too', async () => {
      const tenant = await AiTenant.create(t, { aiAgent: true, knowledge: HELP });
      const id = await tenant.conversation();
      const widget = await t.connect({ token: tenant.tokens.customer, query: { tenantId: tenant.accountId, conversationId: id } });
      const [asCustomer, asAgent] = await Promise.all([
        openSse(tenant.streamUrl(id), tenant.tokens.customer),
        openSse(tenant.streamUrl(id), tenant.tokens.agent),
      ]);
      const outbound = nextEvent(widget, W.outbound_message.name, (p) => p.role === 'ASSISTANT' && p.direction === 'outbound', AI_WAIT);
      await tenant.say(id, 'Can I get a refund for a charge?');
      const [a, b] = await Promise.all([asCustomer.next(SSE.done.name), asAgent.next(SSE.done.name)]);
      asCustomer.close();
      asAgent.close();
      expect(a.message.id).toBe(b.message.id);
      expect((await outbound).text).toBe(HELP[2]!.body);
    });

    it('opens the stream only to those who may read the conversation', async () => {
      const tenant = await AiTenant.create(t, { credits: 0 });
      const id = await tenant.conversation();
      const none = await openSse(tenant.streamUrl(id));
      expect(none.status).toBe(401);
      const other = await openSse(tenant.streamUrl(id), tenant.tokens.customer2);
      expect(other.status).toBe(403);
      const foreign = await openSse(tenant.streamUrl(id), await t.token({ sub: 'ada', accountId: 'someone-else', role: 'admin' }));
      expect(foreign.status).toBe(404);
      // EventSource cannot set headers: the token may come in the query.
      const viaQuery = await openSse(`${tenant.streamUrl(id)}?token=${tenant.tokens.customer}`);
      expect(viaQuery.status).toBe(200);
      viaQuery.close();
    });

    it('announces activation and deactivation as agent_status_changed to staff; an inactive agent answers nothing', async () => {
      const tenant = await AiTenant.create(t, { knowledge: HELP });
      const admin = await tenant.socket('admin');
      const customer = await tenant.socket('customer');
      const customerSeen = record(customer);
      const activated = nextEvent(admin, S.agent_status_changed.name, undefined, AI_WAIT);
      const agent = await tenant.ok('POST', '/api/ai/agents', { name: 'Aria', status: 'ACTIVE' });
      expect(await activated).toMatchObject({ agentId: agent.id, status: 'ACTIVE' });

      expect((await tenant.call('PATCH', `/api/ai/agents/${agent.id}`, { status: 'INACTIVE' }, tenant.tokens.agent)).status).toBe(403);
      const deactivated = nextEvent(admin, S.agent_status_changed.name, undefined, AI_WAIT);
      expect(await tenant.ok('PATCH', `/api/ai/agents/${agent.id}`, { status: 'INACTIVE' })).toMatchObject({ status: 'INACTIVE' });
      expect(await deactivated).toMatchObject({ agentId: agent.id, status: 'INACTIVE' });
      expect((await tenant.ok('GET', '/api/ai/agents', undefined, tenant.tokens.viewer)).agents).toMatchObject([
        { id: agent.id, status: 'INACTIVE' },
      ]);

      const id = await tenant.conversation();
      await ask(customer, C.join_conversation.name, id);
      const completed = nextEvent(admin, S.ai_processing_completed.name, (p) => p.conversationId === id, AI_WAIT);
      await tenant.say(id, 'How do I reset my password?');
      await completed;
      await settled(customer);
      expect((await tenant.messages(id)).map((m) => m.role)).toEqual(['USER']);
      expect(customerSeen.filter((e) => e.event === S.agent_status_changed.name)).toEqual([]);
    });

    it('answers from the knowledge as admins edit it, and only admins edit it', async () => {
      const tenant = await AiTenant.create(t, { aiAgent: true });
      expect((await tenant.call('POST', '/api/ai/knowledge', HELP[0], tenant.tokens.agent)).status).toBe(403);
      expect((await tenant.call('POST', '/api/ai/knowledge', { kind: 'saved_reply', title: '' })).status).toBe(400);
      const item = await tenant.ok('POST', '/api/ai/knowledge', HELP[0]);
      await tenant.ok('PATCH', `/api/ai/knowledge/${item.id}`, { body: 'Use the Forgot password link on the sign-in page.' });
      expect((await tenant.ok('GET', '/api/ai/knowledge', undefined, tenant.tokens.agent)).items).toMatchObject([
        { id: item.id, kind: 'saved_reply' },
      ]);

      const id = await tenant.conversation();
      const sse = await openSse(tenant.streamUrl(id), tenant.tokens.customer);
      await tenant.say(id, 'How do I reset my password?');
      expect((await sse.next(SSE.done.name)).message.content).toBe('Use the Forgot password link on the sign-in page.');

      expect((await tenant.call('DELETE', `/api/ai/knowledge/${item.id}`)).status).toBe(204);
      expect((await tenant.call('DELETE', `/api/ai/knowledge/${item.id}`)).status).toBe(404);
      await tenant.say(id, 'How do I reset my password?');
      await sse.next(SSE.handoff.name);
      sse.close();
    });
  },
  { AI_JOB_POLL_MS: 200 },
  ['pglite'],
);
