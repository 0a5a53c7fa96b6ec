import { defaultClient as C, defaultServer as S } from '@switchboard/protocol';
import { expect, it } from 'vitest';

import { ask, nextEvent, record, settled } from './support/events';
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
      expect((await ask(socket, C.join_conversation, id)).error?.code).toBe('NOT_FOUND');
      expect((await ask(socket, C.send_message, { conversationId: id, content: 'hi' })).error?.code).toBe('NOT_FOUND');
      expect((await ask(socket, C.typing_start, { conversationId: id })).error?.code).toBe('NOT_FOUND');
      expect((await ask(socket, C.assign_conversation, { conversationId: id, agentId: 'b-agent' })).error?.code).toBe('NOT_FOUND');
      expect((await ask(socket, C.update_conversation_status, { conversationId: id, status: 'RESOLVED' })).error?.code).toBe('NOT_FOUND');
      expect((await ask(socket, C.sync, { since: 0 })).ok).toBe(true);
    }
    expect((await t.http('GET', `/api/conversations/${id}`, { token: bAgentToken })).status).toBe(404);
    expect((await t.http('GET', `/api/conversations/${id}/messages`, { token: bAgentToken })).status).toBe(404);
    expect((await t.http('POST', `/api/conversations/${id}/messages`, { token: bAgentToken, body: { content: 'x' } })).status).toBe(404);
    expect((await t.http('GET', '/api/conversations', { token: bAgentToken })).body.conversations).toEqual([]);
    expect((await t.http('GET', '/api/updates?since=0', { token: bAgentToken })).body.events).toEqual([]);

    // A is busy meanwhile.
    const a = await t.connect({ token: aAgent });
    await ask(a, C.join_conversation, id);
    const question = nextEvent(a, S.new_message, (p) => p.message.content === 'secret question');
    const report = nextEvent(a, 'report_ready');
    await ask(a, C.send_message, { conversationId: id, content: 'secret reply' });
    await ask(a, C.typing_start, { conversationId: id });
    await ask(a, C.assign_conversation, { conversationId: id, agentId: 'a-agent' });
    await t.http('POST', `/api/conversations/${id}/messages`, { token: aCustomer, body: { content: 'secret question' } });
    await t.http('POST', '/internal/emit', {
      headers: { 'x-internal-api-key': INTERNAL_KEY },
      body: { tenantId: 'tenant-a', event: 'report_ready', payload: { n: 1 } },
    });
    // A heard its last two facts: then a round trip on B's sockets shows whatever was sent to them too.
    await question;
    await report;
    await settled(bAgent, bPortal);

    const leaked = [...seenB1, ...seenB2].filter(
      (e) =>
        JSON.stringify(e.payload ?? '').includes(id) ||
        ['report_ready', 'new_message', 'user_message', 'message:new', 'conversation:new', 'conversation_created'].includes(e.event),
    );
    expect(leaked).toEqual([]);
    // What B did hear is only the answers to its own requests (sync, and the round trip's ping) and its own presence.
    const own: string[] = [S.sync_complete.name, S.agent_online.name, S.pong.name];
    expect([...seenB1, ...seenB2].map((e) => e.event).filter((e) => !own.includes(e))).toEqual([]);
  });
});
