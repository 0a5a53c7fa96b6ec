import { defaultClient as C, defaultServer as S } from '@switchboard/protocol';
import { expect, it } from 'vitest';

import { ask, nextEvent, record, settled } from '../support/events';
import { forEachServer } from '../support/server';

forEachServer('inbox: contacts, previews and unread counts', (t) => {
  it('shows each conversation with its contact’s name, email, initials and the newest message', async () => {
    const account = 'inbox-contacts';
    const agent = await t.token({ sub: 'ic-agent', accountId: account, role: 'agent', name: 'Ann Agent', email: 'ann@desk.test' });
    const people = [
      { sub: 'cust-maria', name: 'Maria Garcia', email: 'maria@example.com', text: 'My parcel never arrived' },
      { sub: 'cust-john', name: 'John Smith', email: 'john@example.com', text: 'Can I change my plan?' },
      { sub: 'cust-li', name: 'Li', email: null, text: 'x'.repeat(300) },
    ];
    const ids: Record<string, string> = {};
    for (const p of people) {
      const token = await t.token({
        sub: p.sub,
        accountId: account,
        role: 'customer',
        name: p.name,
        ...(p.email ? { email: p.email } : {}),
      });
      const conv = (await t.http('POST', '/api/conversations', { token, body: {} })).body;
      ids[p.sub] = conv.id;
      expect((await t.http('POST', `/api/conversations/${conv.id}/messages`, { token, body: { content: p.text } })).status).toBe(201);
    }
    const list = (await t.http('GET', '/api/conversations', { token: agent })).body.conversations;
    const byContact = Object.fromEntries(list.map((c: any) => [c.contactId, c]));
    expect(byContact['cust-maria'].contact).toEqual({ id: 'cust-maria', name: 'Maria Garcia', email: 'maria@example.com', initials: 'MG' });
    expect(byContact['cust-john'].contact).toEqual({ id: 'cust-john', name: 'John Smith', email: 'john@example.com', initials: 'JS' });
    expect(byContact['cust-li'].contact).toEqual({ id: 'cust-li', name: 'Li', email: null, initials: 'L' });
    expect(byContact['cust-maria'].lastMessage).toMatchObject({
      content: 'My parcel never arrived',
      role: 'USER',
      senderId: 'cust-maria',
      createdAt: expect.any(String),
    });
    expect(byContact['cust-li'].lastMessage.content).toHaveLength(140);

    await t.http('POST', `/api/conversations/${ids['cust-john']}/messages`, { token: agent, body: { content: 'Sure, which plan?' } });
    const one = (await t.http('GET', `/api/conversations/${ids['cust-john']}`, { token: agent })).body;
    expect(one.contact.name).toBe('John Smith');
    expect(one.lastMessage).toMatchObject({ content: 'Sure, which plan?', role: 'HUMAN_AGENT', senderId: 'ic-agent' });
  });

  it('keeps unread counts on the server per reader, moved by the read route and by mark_read', async () => {
    const account = 'inbox-unread';
    const customer = await t.token({ sub: 'iu-cust', accountId: account, role: 'customer', name: 'Maria Garcia' });
    const agent = await t.token({ sub: 'iu-agent', accountId: account, role: 'agent' });
    const other = await t.token({ sub: 'iu-other', accountId: account, role: 'agent' });
    const conv = (await t.http('POST', '/api/conversations', { token: customer, body: {} })).body;
    const sent: string[] = [];
    for (const content of ['one', 'two', 'three']) {
      sent.push((await t.http('POST', `/api/conversations/${conv.id}/messages`, { token: customer, body: { content } })).body.id);
    }
    const unreadFor = async (token: string) => (await t.http('GET', `/api/conversations/${conv.id}`, { token })).body.unreadCount;
    // Messages that arrived before the agent ever signed in count too.
    expect(await unreadFor(agent)).toBe(3);
    expect(await unreadFor(customer)).toBe(0);

    const read = await t.http('POST', `/api/conversations/${conv.id}/read`, { token: agent, body: { messageId: sent[0] } });
    expect(read.status).toBe(200);
    expect(read.body.unreadCount).toBe(2);
    // Another agent's position is its own; a position never moves backwards.
    expect(await unreadFor(other)).toBe(3);

    const socket = await t.connect({ token: agent });
    expect((await ask(socket, 'mark_read', { conversationId: conv.id, messageId: sent[1] })).ok).toBe(true);
    expect(await unreadFor(agent)).toBe(1);
    expect(
      (await t.http('POST', `/api/conversations/${conv.id}/read`, { token: agent, body: { messageId: sent[0] } })).body.unreadCount,
    ).toBe(1);

    // An agent's own reply is never unread for that agent, and is for the customer until read.
    await t.http('POST', `/api/conversations/${conv.id}/messages`, { token: agent, body: { content: 'hello Maria' } });
    expect(await unreadFor(customer)).toBe(1);
    expect((await t.http('POST', `/api/conversations/${conv.id}/read`, { token: agent, body: {} })).body.unreadCount).toBe(0);
    // A teammate's reply asks nothing of another agent: only what the customer wrote is unread for staff.
    // The list carries the same counts (a reload reads them again).
    const listed = (await t.http('GET', '/api/conversations', { token: other })).body.conversations.find((c: any) => c.id === conv.id);
    expect(listed.unreadCount).toBe(3);
  });

  it('tells every tab and device of the reader, and nobody else, when a read moves the count', async () => {
    const account = 'inbox-read-sync';
    const customer = await t.token({ sub: 'rs-cust', accountId: account, role: 'customer' });
    const agent = await t.token({ sub: 'rs-agent', accountId: account, role: 'agent' });
    const conv = (await t.http('POST', '/api/conversations', { token: customer, body: {} })).body;
    for (const content of ['one', 'two']) {
      await t.http('POST', `/api/conversations/${conv.id}/messages`, { token: customer, body: { content } });
    }
    const tab = await t.connect({ token: agent });
    const phone = await t.connect({ token: agent, auth: { dialect: 'portal' } });
    const colleague = await t.connect({ token: await t.token({ sub: 'rs-other', accountId: account, role: 'agent' }) });
    const customerSocket = await t.connect({ token: customer });
    expect((await ask(customerSocket, C.join_conversation, conv.id)).ok).toBe(true);
    const others = [colleague, customerSocket].map(record);

    const onTab = nextEvent(tab, S.read_position_changed);
    const onPhone = nextEvent(phone, S.read_position_changed);
    const read = (await t.http('POST', `/api/conversations/${conv.id}/read`, { token: agent, body: {} })).body;
    expect(read.unreadCount).toBe(0);
    for (const heard of [await onTab, await onPhone]) {
      expect(heard).toMatchObject({ conversationId: conv.id, unreadCount: 0, lastReadMessageId: read.lastMessage.id });
    }

    // A read receipt over the socket moves the same position: the other device hears it too.
    const third = (await t.http('POST', `/api/conversations/${conv.id}/messages`, { token: customer, body: { content: 'three' } })).body;
    const phoneHears = nextEvent(phone, S.read_position_changed, (p) => p.lastReadMessageId === third.id);
    expect((await ask(tab, C.mark_read, { conversationId: conv.id, messageId: third.id })).ok).toBe(true);
    expect(await phoneHears).toMatchObject({ conversationId: conv.id, unreadCount: 0 });

    // Reading again moves nothing, so nothing is said; and nobody else ever heard it.
    const tabHeard = record(tab);
    await t.http('POST', `/api/conversations/${conv.id}/read`, { token: agent, body: {} });
    await settled(tab, colleague, customerSocket);
    expect(tabHeard.filter((e) => e.event === S.read_position_changed.name)).toEqual([]);
    for (const heard of others) expect(heard.filter((e) => e.event === S.read_position_changed.name)).toEqual([]);
  });

  it('refuses read positions in other tenants’ conversations and for messages of another conversation', async () => {
    const customer = await t.token({ sub: 'ir-cust', accountId: 'inbox-read-a', role: 'customer' });
    const stranger = await t.token({ sub: 'ir-agent', accountId: 'inbox-read-b', role: 'agent' });
    const a = (await t.http('POST', '/api/conversations', { token: customer, body: {} })).body;
    const b = (await t.http('POST', '/api/conversations', { token: customer, body: {} })).body;
    const m = (await t.http('POST', `/api/conversations/${a.id}/messages`, { token: customer, body: { content: 'hi' } })).body;
    expect((await t.http('POST', `/api/conversations/${a.id}/read`, { token: stranger, body: {} })).status).toBe(404);
    const wrong = await t.http('POST', `/api/conversations/${b.id}/read`, { token: customer, body: { messageId: m.id } });
    expect(wrong.status).toBe(404);
    expect(wrong.body.error.code).toBe('NOT_FOUND');
  });
});
