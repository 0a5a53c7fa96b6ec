import { chatClient, MAX_MESSAGE_CHARS, presenceClient, presenceServer, ticketsClient, ticketsServer } from '@switchboard/protocol';
import { SignJWT } from 'jose';
import { expect, it } from 'vitest';

import { ask, nextEvent } from '../support/events';
import { ManualClock } from '../support/manual-clock';
import { forEachServer, SECRET } from '../support/server';
import { namespaceClients, tenant } from './namespace-clients';

/** Five events of one name per socket per window here, so a flood is short. */
forEachServer(
  'errors and rate limits on 001’s namespaces',
  (t) => {
    const clients = namespaceClients(t);

    it('answers a flood with RATE_LIMITED and when to retry, without slowing other people’s sockets', async () => {
      const a = tenant();
      const agent = a.person('agent-1', 'agent');
      const ticket = (await t.http('POST', '/api/tickets', { token: await t.token(agent), body: { subject: 'Flood' } })).body;
      const flooder = await clients.open('tickets', agent);
      const other = await clients.open('tickets', a.person('agent-2', 'agent'));

      // 5 points per 10 s is 0.5 points/s with 2 s of it (1 point) to spend at once; typing costs a quarter point.
      const answers = await Promise.all(
        Array.from({ length: 12 }, () => ask(flooder, ticketsClient['ticket:typing'].name, { ticketId: ticket.id })),
      );
      const limited = answers.filter((r) => !r.ok);
      expect(answers.filter((r) => r.ok)).toHaveLength(4);
      expect(limited).toHaveLength(8);
      for (const r of limited) {
        expect(r.error).toMatchObject({
          code: 'RATE_LIMITED',
          message: expect.any(String),
          details: { retryAfterMs: expect.any(Number), limit: 5, windowSeconds: 10 },
        });
        expect(r.error!.details.retryAfterMs).toBeGreaterThan(0);
        expect(r.error!.details.retryAfterMs).toBeLessThanOrEqual(10_000);
      }
      // The limit is per socket and per user: another agent's next event goes straight through, not queued behind the flood.
      const started = Date.now();
      expect((await ask(other, ticketsClient['ticket:typing'].name, { ticketId: ticket.id })).ok).toBe(true);
      expect(Date.now() - started).toBeLessThan(1_500);

      // Without a callback the refusal arrives as an `error` event (a few, so the budget earned back meanwhile is spent).
      const error = nextEvent(flooder, ticketsServer.error.name);
      for (let i = 0; i < 8; i++) flooder.emit(ticketsClient['ticket:typing'].name, { ticketId: ticket.id });
      expect(await error).toMatchObject({ code: 'RATE_LIMITED', details: { retryAfterMs: expect.any(Number) } });
    });

    it('refuses an oversized message with PAYLOAD_TOO_LARGE and stores nothing', async () => {
      const a = tenant();
      const customer = a.person('cust-1', 'customer');
      const conversation = (await t.http('POST', '/api/conversations', { token: await t.token(customer), body: {} })).body;
      const socket = await clients.open('chat', customer);
      const res = await ask(socket, chatClient['chat:message'].name, {
        conversationId: conversation.id,
        content: 'x'.repeat(MAX_MESSAGE_CHARS + 1),
        type: 'text',
      });
      expect(res.error?.code).toBe('PAYLOAD_TOO_LARGE');
      const huge = await ask(socket, chatClient['chat:message'].name, {
        conversationId: conversation.id,
        content: 'y'.repeat(80 * 1024),
        type: 'text',
      });
      expect(huge.error?.code).toBe('PAYLOAD_TOO_LARGE');
      const stored = await t.http('GET', `/api/conversations/${conversation.id}/messages`, { token: await t.token(customer) });
      expect(stored.body.messages).toEqual([]);
    });

    it('sends a failure without a callback as an error event { code, message, details }', async () => {
      const socket = await clients.open('presence', tenant().person('agent-1', 'agent'));
      const error = nextEvent(socket, presenceServer.error.name);
      socket.emit(presenceClient['presence:status'].name, { status: 'invisible' });
      expect(await error).toMatchObject({ code: 'VALIDATION_FAILED', message: expect.any(String), details: { issues: expect.any(Array) } });
    });

    it('checks the token at every namespace handshake and ends a connection when it expires', async () => {
      const a = tenant();
      expect((await clients.refused('chat', null)).message).toBe('MISSING_TOKEN');
      expect((await clients.refused('notifications', 'not-a-token')).data).toMatchObject({ code: 'AUTH_TOKEN_INVALID' });
      const expired = await new SignJWT({ accountId: a.accountId, role: 'agent' })
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject('agent-1')
        .setExpirationTime(Math.floor(Date.now() / 1000) - 5)
        .sign(new TextEncoder().encode(SECRET));
      expect((await clients.refused('tickets', expired)).message).toBe('AUTH_TOKEN_EXPIRED');

      // The server's clock for token deadlines moves by hand; that a token runs out on real time is shown in token-lifetime.test.ts.
      const clock = t.sb().services.clock as ManualClock;
      const shortLived = await clients.token(a.person('agent-1', 'agent'), 60);
      const exp = (JSON.parse(Buffer.from(shortLived.split('.')[1]!, 'base64url').toString()) as { exp: number }).exp * 1_000;
      const socket = await clients.open('tickets', shortLived);
      const errorEvent = nextEvent(socket, ticketsServer.error.name);
      const closed = new Promise<string>((resolve) => socket.once('disconnect', resolve));
      await clock.advanceTo(exp);
      expect(await errorEvent).toMatchObject({ code: 'AUTH_TOKEN_EXPIRED' });
      expect(await closed).toBe('io server disconnect');
    });
  },
  // The SLA scheduler follows the same clock: one poll an hour keeps a clock move cheap.
  { RATE_LIMIT_POINTS: 5, RATE_LIMIT_WINDOW_S: 10, SLA_POLL_MS: 3_600_000 },
  ['pglite'],
  () => ({ clock: new ManualClock() }),
);
