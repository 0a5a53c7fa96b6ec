import { io as connectClient } from 'socket.io-client';
import { expect, it } from 'vitest';

import { ask, until } from '../../server/test/support/events';
import { forEachServer } from '../../server/test/support/server';
import { ConversationFeed, WidgetIn } from '../src/index';
import { connected, newClient } from './support/clients';

forEachServer('client in 003’s widget vocabulary', (t) => {
  it('shows the agent’s reply (outbound_message) and the customer’s own message (inbound_message), each with its role', async () => {
    const customerToken = await t.token({ sub: 'wv1-cust', accountId: 'wv1', role: 'customer' });
    const conv = (await t.http('POST', '/api/conversations', { token: customerToken, body: {} })).body;
    const client = newClient({ url: t.url(), token: customerToken, conversation: { tenantId: 'wv1', conversationId: conv.id } });
    const events: string[] = [];
    client.on(WidgetIn.inbound_message, () => events.push(WidgetIn.inbound_message));
    client.on(WidgetIn.outbound_message, () => events.push(WidgetIn.outbound_message));
    const feed = new ConversationFeed(client, conv.id, { join: false });
    feed.start();
    await connected(client);
    await until(() => !feed.getSnapshot().loading, 5_000, 'history loaded');

    const agent = connectClient(t.url(), {
      transports: ['websocket'],
      forceNew: true,
      reconnection: false,
      auth: { token: await t.token({ sub: 'wv1-agent', accountId: 'wv1', role: 'agent' }) },
    });
    try {
      await new Promise((resolve) => agent.once('authenticated', resolve));
      expect((await ask(agent, 'join_conversation', conv.id)).ok).toBe(true);
      expect((await ask(agent, 'send_message', { conversationId: conv.id, content: 'How can I help?' })).ok).toBe(true);
      await until(() => feed.getSnapshot().messages.length === 1, 5_000, 'the reply in the feed');
      await client.send({ conversationId: conv.id, content: 'My order is late' }).done;
      await until(() => feed.getSnapshot().messages.length === 2 && events.length === 2, 5_000, 'both messages');
    } finally {
      agent.disconnect();
      feed.stop();
    }
    expect(feed.getSnapshot().messages.map((m) => [m.role, m.content])).toEqual([
      ['HUMAN_AGENT', 'How can I help?'],
      ['USER', 'My order is late'],
    ]);
    expect(events).toEqual([WidgetIn.outbound_message, WidgetIn.inbound_message]);
  });
});
