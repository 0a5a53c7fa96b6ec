import { chatClient as C, chatServer as S, defaultClient, defaultServer } from '@switchboard/protocol';
import { expect, it } from 'vitest';

import { ask, nextEvent, record, roundTrip } from '../support/events';
import { forEachServer } from '../support/server';
import { namespaceClients, type Person, tenant } from './namespace-clients';

forEachServer(
  '/chat namespace',
  (t) => {
    const clients = namespaceClients(t);
    const openConversation = async (customer: Person, body: Record<string, unknown> = {}) =>
      (await t.http('POST', '/api/conversations', { token: await t.token(customer), body: { subject: 'Help', ...body } })).body;

    it('acks chat:join with the conversation and tells the room who is online, on join and on leave', async () => {
      const a = tenant();
      const customer = a.person('cust-1', 'customer', { name: 'Cleo' });
      const conversation = await openConversation(customer);
      const agentSocket = await clients.open('chat', a.person('agent-1', 'agent', { name: 'Ann' }));
      const customerSocket = await clients.open('chat', customer);

      const first = nextEvent(agentSocket, S['chat:online'].name);
      expect(await ask(agentSocket, C['chat:join'].name, { conversationId: conversation.id })).toMatchObject({
        ok: true,
        data: { id: conversation.id, status: 'OPEN' },
      });
      expect(await first).toEqual({
        conversationId: conversation.id,
        users: [{ id: 'agent-1', name: 'Ann', email: expect.any(String), role: 'agent' }],
      });

      const both = nextEvent(agentSocket, S['chat:online'].name, (p) => p.users.length === 2);
      await ask(customerSocket, C['chat:join'].name, { conversationId: conversation.id });
      expect((await both).users.map((u: { id: string }) => u.id).sort()).toEqual(['agent-1', 'cust-1']);

      const left = nextEvent(agentSocket, S['chat:online'].name, (p) => p.users.length === 1);
      await ask(customerSocket, C['chat:leave'].name, { conversationId: conversation.id });
      expect((await left).users.map((u: { id: string }) => u.id)).toEqual(['agent-1']);
      const gone = nextEvent(customerSocket, S['chat:online'].name, () => true, 300).catch(() => 'nothing');
      expect(await gone).toBe('nothing');
    });

    it('keeps tenants and customers apart: foreign or unknown rooms do not exist, another customer is forbidden', async () => {
      const a = tenant();
      const b = tenant();
      const conversation = await openConversation(a.person('cust-1', 'customer'));
      const foreign = await clients.open('chat', b.person('agent-1', 'agent'));
      expect((await ask(foreign, C['chat:join'].name, { conversationId: conversation.id })).error?.code).toBe('ROOM_NOT_FOUND');
      expect(
        (await ask(foreign, C['chat:message'].name, { conversationId: conversation.id, content: 'hi', type: 'text' })).error?.code,
      ).toBe('NOT_FOUND');
      const stranger = await clients.open('chat', a.person('cust-2', 'customer'));
      expect((await ask(stranger, C['chat:join'].name, { conversationId: conversation.id })).error?.code).toBe('FORBIDDEN');
      expect((await ask(stranger, C['chat:typing'].name, { conversationId: conversation.id })).error?.code).toBe('FORBIDDEN');
    });

    it('stores a chat:message once and says it on /chat with its sender and on the default namespace', async () => {
      const a = tenant();
      const customer = a.person('cust-1', 'customer', { name: 'Cleo' });
      const agent = a.person('agent-1', 'agent');
      const conversation = await openConversation(customer);
      const agentChat = await clients.open('chat', agent);
      await ask(agentChat, C['chat:join'].name, { conversationId: conversation.id });
      const classic = await t.connect({ token: await t.token(agent) });
      await ask(classic, defaultClient.join_conversation.name, { conversationId: conversation.id });
      const customerChat = await clients.open('chat', customer);

      const onChat = nextEvent(agentChat, S['chat:message'].name);
      const onDefault = nextEvent(classic, defaultServer.new_message.name);
      const sent = await ask(customerChat, C['chat:message'].name, {
        conversationId: conversation.id,
        content: 'Hello?',
        type: 'text',
        clientMessageId: 'c-1',
      });
      expect(sent).toMatchObject({
        ok: true,
        data: { conversationId: conversation.id, content: 'Hello?', role: 'USER', clientMessageId: 'c-1' },
      });
      expect(await onChat).toMatchObject({
        id: sent.data.id,
        content: 'Hello?',
        type: 'text',
        sender: { id: 'cust-1', name: 'Cleo', role: 'customer' },
        seq: expect.any(Number),
      });
      expect((await onDefault).id).toBe(sent.data.id);

      const retry = await ask(customerChat, C['chat:message'].name, {
        conversationId: conversation.id,
        content: 'Hello?',
        type: 'text',
        clientMessageId: 'c-1',
      });
      expect(retry.data.id).toBe(sent.data.id);
      const stored = await t.http('GET', `/api/conversations/${conversation.id}/messages`, { token: await t.token(agent) });
      expect(stored.body.messages).toHaveLength(1);
    });

    it('relays chat:typing to the others in the conversation and stops it; viewers may not type', async () => {
      const a = tenant();
      const customer = a.person('cust-1', 'customer', { name: 'Cleo' });
      const conversation = await openConversation(customer);
      const [agentChat, customerChat, viewerChat] = await Promise.all([
        clients.open('chat', a.person('agent-1', 'agent')),
        clients.open('chat', customer),
        clients.open('chat', a.person('viewer-1', 'viewer')),
      ]);
      for (const s of [agentChat, customerChat]) await ask(s, C['chat:join'].name, { conversationId: conversation.id });
      const own = record(customerChat);

      const started = nextEvent(agentChat, S['chat:typing'].name, (p) => p.isTyping);
      await ask(customerChat, C['chat:typing'].name, { conversationId: conversation.id });
      expect(await started).toEqual({
        conversationId: conversation.id,
        user: { id: 'cust-1', name: 'Cleo', email: customer.email, role: 'customer' },
        isTyping: true,
      });
      const stopped = nextEvent(agentChat, S['chat:typing'].name, (p) => !p.isTyping);
      await ask(customerChat, C['chat:typing'].name, { conversationId: conversation.id, isTyping: false });
      expect((await stopped).user.id).toBe('cust-1');
      expect(own.filter((e) => e.event === S['chat:typing'].name)).toEqual([]);
      expect((await ask(viewerChat, C['chat:typing'].name, { conversationId: conversation.id })).error?.code).toBe('FORBIDDEN');
    });

    it('answers chat:read with a read receipt to the conversation', async () => {
      const a = tenant();
      const customer = a.person('cust-1', 'customer');
      const conversation = await openConversation(customer);
      const [agentChat, customerChat] = await Promise.all([
        clients.open('chat', a.person('agent-1', 'agent')),
        clients.open('chat', customer),
      ]);
      for (const s of [agentChat, customerChat]) await ask(s, C['chat:join'].name, { conversationId: conversation.id });
      const sent = await ask(customerChat, C['chat:message'].name, { conversationId: conversation.id, content: 'Read me', type: 'text' });

      const receipt = nextEvent(customerChat, S['chat:read'].name);
      expect((await ask(agentChat, C['chat:read'].name, { conversationId: conversation.id, messageId: sent.data.id })).ok).toBe(true);
      expect(await receipt).toMatchObject({
        conversationId: conversation.id,
        userId: 'agent-1',
        messageId: sent.data.id,
        readAt: expect.any(String),
      });
      expect((await ask(agentChat, C['chat:read'].name, { conversationId: conversation.id, messageId: 'nope' })).error?.code).toBe(
        'NOT_FOUND',
      );
    });

    it('sends chat:ended when the conversation is resolved, wherever it was resolved', async () => {
      const a = tenant();
      const customer = a.person('cust-1', 'customer');
      const agent = a.person('agent-1', 'agent');
      const conversation = await openConversation(customer);
      const customerChat = await clients.open('chat', customer);
      await ask(customerChat, C['chat:join'].name, { conversationId: conversation.id });
      const classic = await t.connect({ token: await t.token(agent) });

      const ended = nextEvent(customerChat, S['chat:ended'].name);
      await ask(classic, defaultClient.update_conversation_status.name, { conversationId: conversation.id, status: 'RESOLVED' });
      expect(await ended).toMatchObject({ conversationId: conversation.id, reason: 'resolved', status: 'RESOLVED', endedBy: 'agent-1' });
      const later = record(customerChat);
      const pending = nextEvent(classic, defaultServer.conversation_status_changed, (p) => p.status === 'PENDING');
      await ask(classic, defaultClient.update_conversation_status.name, { conversationId: conversation.id, status: 'PENDING' });
      await pending;
      await roundTrip(customerChat, C['chat:join'], { conversationId: conversation.id });
      expect(later.filter((e) => e.event === S['chat:ended'].name)).toEqual([]);
    });
  },
  {},
  ['pglite'],
);
