import { expect, it } from 'vitest';

import { ask, nextEvent } from '../support/events';
import { forEachServer } from '../support/server';
import { cast } from './setup';

forEachServer(
  'receipts and typing',
  (t) => {
    it('moves a message from sent to delivered to read, stored per recipient and broadcast to the conversation', async () => {
      const c = await cast(t, 'rcpt1');
      const msg = (await ask(c.agent, 'send_message', { conversationId: c.conversationId, content: 'hello' })).data;
      const delivered = nextEvent(c.agent, 'message_status', (p) => p.status === 'delivered');
      expect((await ask(c.customer, 'mark_delivered', { conversationId: c.conversationId, messageId: msg.id })).data.status).toBe(
        'delivered',
      );
      expect(await delivered).toMatchObject({
        conversationId: c.conversationId,
        messageId: msg.id,
        status: 'delivered',
        userId: 'rcpt1-cust',
        seq: expect.any(Number),
      });
      const read = nextEvent(c.agent, 'message_status', (p) => p.status === 'read');
      await ask(c.customer, 'mark_read', { conversationId: c.conversationId, messageId: msg.id });
      await read;
      // A late delivered after read changes nothing and broadcasts nothing.
      await ask(c.customer, 'mark_delivered', { conversationId: c.conversationId, messageId: msg.id });
      await c.settled();
      expect(c.log.get('agent')!.filter((e) => e.event === 'message_status')).toHaveLength(2);
      expect(c.receivers('message_status')).toEqual(['agent', 'customer']);
      const stored = (
        await t.http('GET', `/api/conversations/${c.conversationId}/messages`, {
          token: await t.token({ sub: 'rcpt1-agent', accountId: 'rcpt1' }),
        })
      ).body.messages;
      expect(stored[0].status).toBe('read');
    });

    it('refuses receipts for one’s own message, another conversation’s message, or a conversation one cannot read', async () => {
      const c = await cast(t, 'rcpt2');
      const msg = (await ask(c.agent, 'send_message', { conversationId: c.conversationId, content: 'hello' })).data;
      expect((await ask(c.agent, 'mark_read', { conversationId: c.conversationId, messageId: msg.id })).error?.code).toBe(
        'VALIDATION_FAILED',
      );
      expect((await ask(c.otherCustomer, 'mark_read', { conversationId: c.conversationId, messageId: msg.id })).error?.code).toBe(
        'FORBIDDEN',
      );
      expect((await ask(c.customer, 'mark_read', { conversationId: c.conversationId, messageId: 'nope' })).error?.code).toBe('NOT_FOUND');
    });

    it('sends typing to the conversation room except the typist, and stops it by itself after the timeout', async () => {
      const c = await cast(t, 'typ1');
      const started = nextEvent(c.agent, 'typing_start');
      await ask(c.customer, 'typing_start', { conversationId: c.conversationId });
      expect(await started).toMatchObject({ conversationId: c.conversationId, userId: 'typ1-cust', role: 'customer' });
      const stopped = await nextEvent(c.agent, 'typing_stop', () => true, 2_000);
      expect(stopped.userId).toBe('typ1-cust');
      expect(c.receivers('typing_start')).toEqual(['agent']);
      expect(c.receivers('typing_stop')).toEqual(['agent']);
    });

    it('stops typing when the typist sends its message or says so', async () => {
      const c = await cast(t, 'typ2');
      await ask(c.agent, 'typing_start', { conversationId: c.conversationId });
      // A stop is never volatile, so it arrives even right behind the message itself.
      const stop1 = nextEvent(c.customer, 'typing_stop', () => true, 1_000);
      await ask(c.agent, 'send_message', { conversationId: c.conversationId, content: 'done typing' });
      await stop1;
      const again = nextEvent(c.customer, 'typing_start', () => true, 300);
      await ask(c.agent, 'typing_start', { conversationId: c.conversationId });
      await again;
      const stop2 = nextEvent(c.customer, 'typing_stop', () => true, 300);
      await ask(c.agent, 'typing_stop', { conversationId: c.conversationId });
      await stop2;
      expect((await ask(c.viewer, 'typing_start', { conversationId: c.conversationId })).error?.code).toBe('FORBIDDEN');
    });
  },
  { TYPING_TIMEOUT_MS: 600 },
);
