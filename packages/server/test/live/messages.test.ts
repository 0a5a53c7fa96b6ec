import { defaultClient as C, defaultServer as S } from '@switchboard/protocol';
import { expect, it } from 'vitest';

import { ask, nextEvent } from '../support/events';
import { forEachServer } from '../support/server';
import { cast } from './setup';

forEachServer('messages on the default namespace', (t) => {
  it('a customer message reaches staff as user_message and the conversation room as new_message, and no one else', async () => {
    const c = await cast(t, 'msg1');
    const sent = nextEvent(c.customer, S.message_sent);
    const res = await ask(c.customer, C.send_message, {
      conversationId: c.conversationId,
      content: 'Where is my order?',
      contentType: 'text',
    });
    expect(res.ok).toBe(true);
    expect(res.data).toMatchObject({ content: 'Where is my order?', role: 'USER', senderId: 'msg1-cust', status: 'sent' });
    expect((await sent).id).toBe(res.data.id);
    const byId = (p: any) => p?.message?.id === res.data.id;
    await c.expectReceivers(S.user_message, ['agent', 'agentElsewhere', 'viewer'], byId);
    await c.expectReceivers(S.new_message, ['agent', 'customer'], byId);
    const payload = c.log.get('agent')!.find((e) => e.event === S.new_message.name)!.payload;
    // 000 nests the message, 002 reads it flat: one object satisfies both.
    expect(payload).toMatchObject({
      conversationId: c.conversationId,
      message: { id: res.data.id, role: 'USER', content: 'Where is my order?' },
      content: 'Where is my order?',
      id: res.data.id,
      seq: expect.any(Number),
      eventId: expect.any(String),
    });
  });

  it('an agent reply is HUMAN_AGENT and reaches all staff and the conversation room', async () => {
    const c = await cast(t, 'msg2');
    const res = await ask(c.agent, C.send_message, { conversationId: c.conversationId, content: 'On its way', contentType: 'text' });
    expect(res.data.role).toBe('HUMAN_AGENT');
    await c.expectReceivers(S.new_message, ['agent', 'agentElsewhere', 'customer', 'viewer']);
    expect(c.receivers(S.user_message)).toEqual([]);
  });

  it('a retried send with the same clientMessageId is stored once and broadcast once', async () => {
    const c = await cast(t, 'msg3');
    const input = { conversationId: c.conversationId, content: 'once', contentType: 'text', clientMessageId: 'client-1' };
    const [a, b] = await Promise.all([ask(c.customer, C.send_message, input), ask(c.customer, C.send_message, input)]);
    const again = await ask(c.customer, C.send_message, input);
    expect(a.data.id).toBe(b.data.id);
    expect(again.data.id).toBe(a.data.id);
    await c.expectReceivers(S.new_message, ['agent', 'customer']);
    expect(c.log.get('agent')!.filter((e) => e.event === S.new_message.name)).toHaveLength(1);
    const stored = (
      await t.http('GET', `/api/conversations/${c.conversationId}/messages`, {
        token: await t.token({ sub: 'msg3-agent', accountId: 'msg3' }),
      })
    ).body.messages;
    expect(stored.map((m: any) => m.content)).toEqual(['once']);
  });

  it('refuses bad sends with their codes, storing and broadcasting nothing', async () => {
    const c = await cast(t, 'msg4');
    const send = (s: typeof c.customer, p: unknown) => ask(s, C.send_message, p);
    expect((await send(c.customer, { conversationId: 'missing', content: 'x' })).error?.code).toBe('NOT_FOUND');
    expect((await send(c.otherCustomer, { conversationId: c.conversationId, content: 'x' })).error?.code).toBe('FORBIDDEN');
    expect((await send(c.viewer, { conversationId: c.conversationId, content: 'x' })).error?.code).toBe('FORBIDDEN');
    expect((await send(c.otherTenant, { conversationId: c.conversationId, content: 'x' })).error?.code).toBe('NOT_FOUND');
    expect((await send(c.customer, { conversationId: c.conversationId, content: '' })).error?.code).toBe('VALIDATION_FAILED');
    expect((await send(c.customer, { conversationId: c.conversationId, content: 'x'.repeat(20_000) })).error?.code).toBe(
      'PAYLOAD_TOO_LARGE',
    );
    expect((await send(c.customer, { conversationId: c.conversationId, content: 42 })).error?.code).toBe('VALIDATION_FAILED');
    expect((await send(c.customer, { conversationId: c.conversationId, content: 'x', contentType: 'hologram' })).error?.code).toBe(
      'VALIDATION_FAILED',
    );
    expect((await ask(c.otherCustomer, C.join_conversation, c.conversationId)).error?.code).toBe('FORBIDDEN');
    await c.settled();
    expect([S.new_message, S.user_message].flatMap((e) => c.receivers(e))).toEqual([]);
    const stored = (
      await t.http('GET', `/api/conversations/${c.conversationId}/messages`, {
        token: await t.token({ sub: 'msg4-agent', accountId: 'msg4' }),
      })
    ).body.messages;
    expect(stored).toEqual([]);
  });

  it('a message posted over HTTP takes the same path as send_message', async () => {
    const c = await cast(t, 'msg5');
    const res = await t.http('POST', `/api/conversations/${c.conversationId}/messages`, {
      token: await t.token({ sub: 'msg5-cust', accountId: 'msg5', role: 'customer' }),
      body: { content: 'by http', clientMessageId: 'h1' },
    });
    expect(res.status).toBe(201);
    await c.expectReceivers(S.user_message, ['agent', 'agentElsewhere', 'viewer']);
    await c.expectReceivers(S.new_message, ['agent', 'customer']);
    const retry = await t.http('POST', `/api/conversations/${c.conversationId}/messages`, {
      token: await t.token({ sub: 'msg5-cust', accountId: 'msg5', role: 'customer' }),
      body: { content: 'by http', clientMessageId: 'h1' },
    });
    expect(retry.status).toBe(200);
    expect(retry.body.id).toBe(res.body.id);
  });
});
