import type { Role } from '@switchboard/protocol';
import { expect, it } from 'vitest';

import type { Principal } from '../../src/auth/principal';
import { chatEvents } from '../../src/handlers/chat-namespace';
import { defaultEvents } from '../../src/handlers/default-events';
import { CallerSession } from '../../src/handlers/session';
import { ticketsEvents } from '../../src/handlers/tickets-namespace';
import { uniqueAccountId } from '../support/databases';
import { ask, nextEvent } from '../support/events';
import { forEachServer, type ServerContext } from '../support/server';

const person = (accountId: string, userId: string, role: Role): Principal => ({
  userId,
  accountId,
  role,
  email: null,
  name: userId,
  teamIds: [],
  exp: Math.floor(Date.now() / 1000) + 3600,
});

async function tenant(t: ServerContext, prefix: string) {
  const accountId = uniqueAccountId(prefix);
  const customer = person(accountId, `${prefix}-cust`, 'customer');
  const customerToken = await t.token({ sub: customer.userId, accountId, role: 'customer', name: customer.name! });
  const conv = await t.http('POST', '/api/conversations', { token: customerToken, body: { subject: 'caller' } });
  expect(conv.status).toBe(201);
  return { accountId, customer, customerToken, conversationId: conv.body.id as string };
}

/**
 * The handlers of every namespace are `(session, input) => result`: these call them with a session
 * that is not a socket (as tRPC's createCaller), against the real services and database.
 */
forEachServer(
  'handlers called without a socket',
  (t) => {
    it('joins, sends and leaves through the same checks as a socket, the rooms kept by the caller’s session', async () => {
      const { accountId, customer, conversationId } = await tenant(t, 'call1');
      const session = new CallerSession(customer);
      const call = defaultEvents(t.sb().services).caller(session);
      const room = `default|tenant:${accountId}:conversation:${conversationId}`;

      expect(await call.join_conversation(conversationId)).toEqual({ conversationId });
      expect([...session.rooms]).toEqual([room]);
      const message = await call.send_message({ conversationId, content: 'from a caller' });
      expect(message).toMatchObject({ conversationId, content: 'from a caller', role: 'USER', senderId: customer.userId });
      const stored = await t.sb().services.messages.list(customer, conversationId, {});
      expect(stored.map((m: { id: string }) => m.id)).toContain(message.id);
      expect(await call.leave_conversation({ conversationId })).toEqual({ conversationId });
      expect(session.rooms.size).toBe(0);

      await expect(call.send_message({ conversationId, content: '' })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
      // The socket's own events (authentication, replay, token refresh) need a socket: no caller offers them.
      // @ts-expect-error: not among the caller's typed functions
      expect(call.authenticate).toBeUndefined();
      const stranger = defaultEvents(t.sb().services).caller(new CallerSession(person(accountId, 'call1-other', 'customer')));
      await expect(stranger.join_conversation(conversationId)).rejects.toMatchObject({ code: 'FORBIDDEN' });
      const intruder = defaultEvents(t.sb().services).caller(new CallerSession(person(`${accountId}-x`, 'call1-x', 'admin')));
      await expect(intruder.join_conversation(conversationId)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    });

    it('refuses typing to a viewer with the same rule on / and on /chat, and lets an agent type', async () => {
      const { accountId, conversationId } = await tenant(t, 'call2');
      const services = t.sb().services;
      const viewer = new CallerSession(person(accountId, 'call2-viewer', 'viewer'));
      await expect(defaultEvents(services).caller(viewer).typing_start({ conversationId })).rejects.toMatchObject({ code: 'FORBIDDEN' });
      const onChat = new CallerSession(viewer.actor, { ns: '/chat' });
      await expect(chatEvents(services).caller(onChat)['chat:typing']({ conversationId, isTyping: true })).rejects.toMatchObject({
        code: 'FORBIDDEN',
      });
      const agent = new CallerSession(person(accountId, 'call2-agent', 'agent'));
      await expect(defaultEvents(services).caller(agent).typing_start({ conversationId })).resolves.toBeUndefined();
      await defaultEvents(services).caller(agent).typing_stop({ conversationId });
    });

    it('keeps a session bound to one conversation to that conversation', async () => {
      const { customer, customerToken, conversationId } = await tenant(t, 'call3');
      const other = await t.http('POST', '/api/conversations', { token: customerToken, body: { subject: 'another' } });
      const call = defaultEvents(t.sb().services).caller(
        new CallerSession(customer, { ns: '/', dialect: 'widget' }, { boundConversationId: conversationId }),
      );
      await expect(call.join_conversation(other.body.id)).rejects.toMatchObject({ code: 'FORBIDDEN' });
      await expect(call.send_message({ conversationId: other.body.id, content: 'x' })).rejects.toMatchObject({ code: 'FORBIDDEN' });
      await expect(call.leave_conversation({ conversationId })).rejects.toMatchObject({ code: 'FORBIDDEN' });
      expect(await call.join_conversation(conversationId)).toEqual({ conversationId });
    });

    it('subscribes staff to a ticket’s room on /tickets and refuses a viewer’s typing there', async () => {
      const { accountId } = await tenant(t, 'call4');
      const agentToken = await t.token({ sub: 'call4-agent', accountId, role: 'agent' });
      const created = await t.http('POST', '/api/tickets', { token: agentToken, body: { subject: 'printer' } });
      expect(created.status).toBe(201);
      const services = t.sb().services;
      const agent = new CallerSession(person(accountId, 'call4-agent', 'agent'), { ns: '/tickets' });
      expect(await ticketsEvents(services).caller(agent)['ticket:subscribe']({ ticketId: created.body.id })).toMatchObject({
        id: created.body.id,
      });
      expect([...agent.rooms]).toEqual([`tenant:${accountId}:ticket:${created.body.id}`]);
      const viewer = new CallerSession(person(accountId, 'call4-viewer', 'viewer'), { ns: '/tickets' });
      await expect(ticketsEvents(services).caller(viewer)['ticket:typing']({ ticketId: created.body.id })).rejects.toMatchObject({
        code: 'FORBIDDEN',
      });
      await expect(ticketsEvents(services).caller(agent)['ticket:subscribe']({ ticketId: 'nope' })).rejects.toMatchObject({
        code: 'ROOM_NOT_FOUND',
      });
    });

    it('stops a person’s typing when its message is stored, whichever surface sent it (here HTTP)', async () => {
      const { accountId, customerToken, conversationId } = await tenant(t, 'call5');
      const customer = await t.connect({ token: customerToken });
      const agent = await t.connect({ token: await t.token({ sub: 'call5-agent', accountId, role: 'agent' }) });
      for (const s of [customer, agent]) expect((await ask(s, 'join_conversation', conversationId)).ok).toBe(true);
      const started = nextEvent(agent, 'typing_start');
      expect((await ask(customer, 'typing_start', { conversationId })).ok).toBe(true);
      await started;
      const stopped = nextEvent(agent, 'typing_stop');
      const posted = await t.http('POST', `/api/conversations/${conversationId}/messages`, {
        token: customerToken,
        body: { content: 'sent over HTTP' },
      });
      expect(posted.status).toBe(201);
      // The typing timeout is a minute away: only the send can have stopped it.
      expect(await stopped).toMatchObject({ conversationId, userId: 'call5-cust', name: 'call5-cust', role: 'customer' });
    });
  },
  { TYPING_TIMEOUT_MS: 60_000 },
);
