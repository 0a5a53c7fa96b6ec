import type { Message } from '@switchboard/protocol';
import { expect, it } from 'vitest';

import { settled, until } from '../../server/test/support/events';
import { forEachServer } from '../../server/test/support/server';
import { DefaultIn, DefaultOut, Outbox, SwitchboardError } from '../src/index';
import { connected, newClient } from './support/clients';

forEachServer(
  'outbox',
  (t) => {
    async function conversation(tenant: string) {
      const customerToken = await t.token({ sub: `${tenant}-cust`, accountId: tenant, role: 'customer' });
      const conv = (await t.http('POST', '/api/conversations', { token: customerToken, body: {} })).body;
      const customer = await t.connect({ token: customerToken });
      const heard: string[] = [];
      customer.on(DefaultIn.new_message, (p: { content: string }) => heard.push(p.content));
      await customer.timeout(5_000).emitWithAck(DefaultOut.join_conversation, conv.id);
      const agent = newClient({ url: t.url(), token: await t.token({ sub: `${tenant}-agent`, accountId: tenant, role: 'agent' }) });
      await connected(agent);
      return { conversationId: conv.id as string, customerToken, agent, heard, customer };
    }

    it('retries a send whose ack was lost with the same clientMessageId, and the server stores and broadcasts it once', async () => {
      const { conversationId, customerToken, agent, heard, customer } = await conversation('ob1');
      const attempts: Array<{ at: number; clientMessageId: string }> = [];
      const outbox = new Outbox(async (payload) => {
        attempts.push({ at: Date.now(), clientMessageId: payload.clientMessageId });
        const message = await agent.request(DefaultOut.send_message, payload);
        // The first two answers are lost on the way back, as when the connection drops after the commit.
        if (attempts.length <= 2) throw new SwitchboardError('TIMEOUT', 'ack lost');
        return message;
      });

      const { done } = outbox.send({ conversationId, content: 'exactly once' });
      const stored = await done;

      expect(attempts).toHaveLength(3);
      expect(new Set(attempts.map((a) => a.clientMessageId)).size).toBe(1);
      expect(stored.clientMessageId).toBe(attempts[0]!.clientMessageId);
      expect(attempts[1]!.at - attempts[0]!.at).toBeGreaterThanOrEqual(95);
      expect(attempts[2]!.at - attempts[1]!.at).toBeGreaterThanOrEqual(195);
      const { body } = await t.http('GET', `/api/conversations/${conversationId}/messages`, { token: customerToken });
      expect(body.messages.map((m: Message) => m.content)).toEqual(['exactly once']);
      await until(() => heard.length > 0, 5_000, 'the broadcast');
      // A second broadcast would have been sent by now: a round trip brings it in.
      await settled(customer);
      expect(heard).toEqual(['exactly once']);
    });

    it('tries four times (now, +100, +200, +400 ms), then waits queued and goes on reconnect', async () => {
      const { conversationId, customerToken, agent } = await conversation('ob2');
      agent.disconnect();
      const offline = newClient({
        url: t.url(),
        token: agent.currentToken,
        autoConnect: false,
        httpSendFallback: false,
      });
      const states: Array<{ state: string; at: number }> = [];
      offline.outbox.onChange((e) => states.push({ state: e.state, at: Date.now() }));
      const { entry, done } = offline.send({ conversationId, content: 'queued until online' });
      await until(() => states.some((s) => s.state === 'queued'), 3_000, 'queued');
      const tries = states.filter((s) => s.state === 'sending' || s.state === 'retrying');
      expect(tries).toHaveLength(4);
      expect(tries[3]!.at - tries[0]!.at).toBeGreaterThanOrEqual(680);
      expect(offline.outbox.pending(conversationId)[0]).toMatchObject({
        clientMessageId: entry.clientMessageId,
        state: 'queued',
        attempts: 4,
      });

      offline.connect();
      const stored = await done;
      expect(stored.clientMessageId).toBe(entry.clientMessageId);
      expect(offline.outbox.pending()).toEqual([]);
      const { body } = await t.http('GET', `/api/conversations/${conversationId}/messages`, { token: customerToken });
      expect(body.messages.map((m: Message) => m.content)).toEqual(['queued until online']);
    });

    it('does not retry what the server refused for good, and says why', async () => {
      const { agent } = await conversation('ob3');
      const { done } = agent.send({ conversationId: 'no-such-conversation', content: 'hello' });
      await expect(done).rejects.toMatchObject({ code: 'NOT_FOUND' });
      expect(agent.outbox.pending()[0]).toMatchObject({ state: 'failed', attempts: 1 });
    });
  },
  {},
  ['pglite'],
);
