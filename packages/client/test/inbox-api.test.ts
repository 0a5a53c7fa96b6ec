import { expect, it } from 'vitest';

import { forEachServer } from '../../server/test/support/server';
import { HttpApi } from '../src/index';

forEachServer('SDK: inbox reads, read positions and search', (t) => {
  it('reads contacts and unread counts, marks read and searches through HttpApi', async () => {
    const customerToken = await t.token({
      sub: 'sdk-maria',
      accountId: 'sdk-inbox',
      role: 'customer',
      name: 'Maria Garcia',
      email: 'maria@example.com',
    });
    const agentToken = await t.token({ sub: 'sdk-agent', accountId: 'sdk-inbox', role: 'agent' });
    const customer = new HttpApi({ baseUrl: t.url(), getToken: () => customerToken });
    const agent = new HttpApi({ baseUrl: t.url(), getToken: () => agentToken });
    const conv = await customer.createConversation({});
    await customer.postMessage(conv.id, { content: 'Where is my parcel?' });
    const [row] = (await agent.listConversations()).conversations;
    expect(row).toMatchObject({
      id: conv.id,
      contact: { name: 'Maria Garcia', initials: 'MG' },
      lastMessage: { content: 'Where is my parcel?' },
      unreadCount: 1,
    });
    expect((await agent.markConversationRead(conv.id)).unreadCount).toBe(0);
    expect((await agent.getConversation(conv.id)).unreadCount).toBe(0);
    const page = await agent.search('parcel');
    expect(page.hits.map((h) => [h.kind, h.conversationId])).toEqual([['message', conv.id]]);
    await expect(customer.search('parcel')).rejects.toMatchObject({ code: 'FORBIDDEN' });
    const note = await agent.addNote(conv.id, 'call her back');
    expect((await agent.listNotes(conv.id)).notes.map((n) => n.id)).toEqual([note.id]);
    await expect(customer.listNotes(conv.id)).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });
});
