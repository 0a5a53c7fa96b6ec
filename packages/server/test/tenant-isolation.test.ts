import { expect, it } from 'vitest';

import { ask, record, sleep } from './support/events';
import { forEachServer, INTERNAL_KEY } from './support/server';

forEachServer('tenant isolation', (t) => {
  it('an agent of tenant B receives nothing of tenant A, whatever it emits', async () => {
    const aAgent = await t.token({ sub: 'a-agent', accountId: 'tenant-a', role: 'agent' });
    const aCustomer = await t.token({ sub: 'a-cust', accountId: 'tenant-a', role: 'customer' });
    const bAgentToken = await t.token({ sub: 'b-agent', accountId: 'tenant-b', role: 'admin' });

    const bAgent = await t.connect({ token: bAgentToken });
    const bPortal = await t.connect({ token: bAgentToken, auth: { dialect: 'portal' } });
    const seenB1 = record(bAgent);
    const seenB2 = record(bPortal);

    const conv = await t.http('POST', '/api/conversations', { token: aCustomer, body: { subject: 'private' } });
    expect(conv.status).toBe(201);
    const id = conv.body.id as string;

    // B tries every door into A's conversation.
    for (const socket of [bAgent, bPortal]) {
      expect((await ask(socket, 'join_conversation', id)).error?.code).toBe('NOT_FOUND');
      expect((await ask(socket, 'send_message', { conversationId: id, content: 'hi' })).error?.code).toBe('NOT_FOUND');
      expect((await ask(socket, 'typing_start', { conversationId: id })).error?.code).toBe('NOT_FOUND');
      expect((await ask(socket, 'assign_conversation', { conversationId: id, agentId: 'b-agent' })).error?.code).toBe('NOT_FOUND');
      expect((await ask(socket, 'update_conversation_status', { conversationId: id, status: 'RESOLVED' })).error?.code).toBe('NOT_FOUND');
      expect((await ask(socket, 'sync', { since: 0 })).ok).toBe(true);
    }
    expect((await t.http('GET', `/api/conversations/${id}`, { token: bAgentToken })).status).toBe(404);
    expect((await t.http('GET', `/api/conversations/${id}/messages`, { token: bAgentToken })).status).toBe(404);
    expect((await t.http('POST', `/api/conversations/${id}/messages`, { token: bAgentToken, body: { content: 'x' } })).status).toBe(404);
    expect((await t.http('GET', '/api/conversations', { token: bAgentToken })).body.conversations).toEqual([]);
    expect((await t.http('GET', '/api/updates?since=0', { token: bAgentToken })).body.events).toEqual([]);

    // A is busy meanwhile.
    const a = await t.connect({ token: aAgent });
    await ask(a, 'join_conversation', id);
    await ask(a, 'send_message', { conversationId: id, content: 'secret reply' });
    await ask(a, 'typing_start', { conversationId: id });
    await ask(a, 'assign_conversation', { conversationId: id, agentId: 'a-agent' });
    await t.http('POST', `/api/conversations/${id}/messages`, { token: aCustomer, body: { content: 'secret question' } });
    await t.http('POST', '/internal/emit', {
      headers: { 'x-internal-api-key': INTERNAL_KEY },
      body: { tenantId: 'tenant-a', event: 'report_ready', payload: { n: 1 } },
    });
    await sleep(300);

    const leaked = [...seenB1, ...seenB2].filter(
      (e) =>
        JSON.stringify(e.payload ?? '').includes(id) ||
        ['report_ready', 'new_message', 'user_message', 'message:new', 'conversation:new', 'conversation_created'].includes(e.event),
    );
    expect(leaked).toEqual([]);
    // What B did hear is only the answers to its own sync requests.
    expect([...seenB1, ...seenB2].map((e) => e.event).every((e) => e === 'sync_complete' || e === 'agent_online')).toBe(true);
  });
});
