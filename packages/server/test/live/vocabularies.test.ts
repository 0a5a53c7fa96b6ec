import { defaultClient as C, portalServer as P, widgetServer as W } from '@switchboard/protocol';
import { expect, it } from 'vitest';

import { ask, nextEvent, record, until } from '../support/events';
import { forEachServer } from '../support/server';
import { cast } from './setup';

forEachServer('each vocabulary hears each fact once, in its own words', (t) => {
  it('004 portal sockets get conversation:* and message:* and typing:* events, never the default names', async () => {
    const staffToken = await t.token({ sub: 'p1-admin', accountId: 'p1', role: 'admin' });
    const watcher = await t.connect({ token: staffToken, auth: { dialect: 'portal' } });
    const seen = record(watcher);
    const created = nextEvent(watcher, P['conversation:new']);
    const c = await cast(t, 'p1', { dialect: 'portal' });
    expect(await created).toMatchObject({
      id: c.conversationId,
      conversation: { id: c.conversationId, status: 'OPEN' },
      seq: expect.any(Number),
    });

    const msg = (await ask(c.customer, C.send_message, { conversationId: c.conversationId, content: 'hi portal' })).data;
    await ask(c.agent, C.typing_start, { conversationId: c.conversationId });
    await ask(c.agent, C.assign_conversation, { conversationId: c.conversationId, agentId: 'p1-agent' });
    await ask(c.agent, C.update_conversation_status, { conversationId: c.conversationId, status: 'PENDING' });
    await ask(c.agent, C.mark_read, { conversationId: c.conversationId, messageId: msg.id });

    await c.expectReceivers(P['message:new'], ['agent', 'customer'], (p) => p.id === msg.id && p.message.content === 'hi portal');
    await c.expectReceivers(P['typing:start'], ['customer']);
    await c.expectReceivers(
      P['conversation:assigned'],
      ['agent', 'agentElsewhere', 'customer', 'viewer'],
      (p) => p.assigneeId === 'p1-agent',
    );
    await c.expectReceivers(
      P['conversation:updated'],
      ['agent', 'agentElsewhere', 'customer', 'viewer'],
      (p) => p.changes.includes('status') && p.status === 'PENDING',
    );
    await c.expectReceivers(P['message:delivered'], ['agent', 'customer'], (p) => p.status === 'read' && p.messageId === msg.id);
    const defaultNames = [
      'new_message',
      'user_message',
      'typing_start',
      'conversation_assigned',
      'conversation_status_changed',
      'message_status',
      'conversation_created',
    ];
    for (const name of defaultNames) expect(c.receivers(name)).toEqual([]);
    expect(seen.filter((e) => e.event === P['conversation:new'].name)).toHaveLength(1);
  });

  it('003 widget sockets, by handshake query or by namespace, get outbound_message for replies, inbound_message for the customer, and status_update', async () => {
    const customerToken = await t.token({ sub: 'w1-cust', accountId: 'w1', role: 'customer' });
    const agentToken = await t.token({ sub: 'w1-agent', accountId: 'w1', role: 'agent' });
    const conv = (await t.http('POST', '/api/conversations', { token: customerToken, body: {} })).body;
    const byQuery = await t.connect({ token: customerToken, query: { tenantId: 'w1', conversationId: conv.id } });
    const byNamespace = await t.connect({ token: customerToken, namespace: `/tenant/w1/conv/${conv.id}` });
    const agent = await t.connect({ token: agentToken });
    await ask(agent, C.join_conversation, conv.id);
    const logs = [record(byQuery), record(byNamespace)];

    const reply = (await ask(agent, C.send_message, { conversationId: conv.id, content: 'Hello from support' })).data;
    await ask(byQuery, C.mark_read, { conversationId: conv.id, messageId: reply.id });
    // The read status is the last fact: once both sockets have it, everything before it has arrived.
    await until(
      () => logs.every((log) => log.some((e) => e.event === W.status_update.name && e.payload.status === 'read')),
      5_000,
      'status_update',
    );
    for (const log of logs) {
      // 003's widget shows an inbound_message as the customer's own: an agent's reply must not be one.
      expect(log.filter((e) => e.event === 'inbound_message')).toHaveLength(0);
      const outbound = log.filter((e) => e.event === 'outbound_message');
      expect(outbound).toHaveLength(1);
      expect(outbound[0]!.payload).toMatchObject({
        text: 'Hello from support',
        messageId: reply.id,
        timestamp: expect.any(String),
        role: 'HUMAN_AGENT',
        direction: 'outbound',
      });
      expect(log.filter((e) => e.event === 'status_update').map((e) => e.payload.status)).toEqual(['read']);
      expect(log.some((e) => e.event === 'new_message' || e.event === 'message:new')).toBe(false);
    }
    // The widget socket may send into its own conversation, and nowhere else; the customer's words are inbound.
    const mine = (await ask(byNamespace, C.send_message, { conversationId: conv.id, content: 'thanks' })).data;
    expect(mine.id).toEqual(expect.any(String));
    await until(() => logs.every((log) => log.some((e) => e.event === 'inbound_message')), 2_000, 'inbound_message');
    for (const log of logs) {
      expect(log.filter((e) => e.event === 'inbound_message').map((e) => e.payload)).toEqual([
        expect.objectContaining({ text: 'thanks', messageId: mine.id, role: 'USER', direction: 'inbound' }),
      ]);
      expect(log.filter((e) => e.event === 'outbound_message')).toHaveLength(1);
    }
    expect((await ask(byNamespace, C.send_message, { conversationId: 'other', content: 'x' })).error?.code).toBe('FORBIDDEN');
  });

  it('refuses a widget socket for another tenant’s or another customer’s conversation', async () => {
    const owner = await t.token({ sub: 'w2-cust', accountId: 'w2', role: 'customer' });
    const stranger = await t.token({ sub: 'w2-stranger', accountId: 'w2', role: 'customer' });
    const conv = (await t.http('POST', '/api/conversations', { token: owner, body: {} })).body;
    for (const opts of [
      { token: stranger, namespace: `/tenant/w2/conv/${conv.id}` },
      { token: stranger, query: { tenantId: 'w2', conversationId: conv.id } },
      { token: await t.token({ sub: 'x', accountId: 'w3', role: 'admin' }), namespace: `/tenant/w2/conv/${conv.id}` },
    ]) {
      const socket = await t.connect(opts).catch((err) => err);
      const code = socket instanceof Error ? (socket as any).data?.code : (await nextEvent(socket, 'error')).code;
      expect(['FORBIDDEN', 'NOT_FOUND']).toContain(code);
    }
  });
});
