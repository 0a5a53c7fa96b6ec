import { randomBytes } from 'node:crypto';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { DEAD_LETTER_HEADERS } from '../../src/bridges/amqp-session';
import { ENGINES, uniqueAccountId } from '../support/databases';
import { nextEvent } from '../support/events';
import {
  bridgeConfig,
  bridgeStatus,
  holdBrokerForThisFile,
  rabbitmqAvailable,
  TestBroker,
  uniqueQueues,
  waitForBridge,
} from '../support/rabbitmq';
import { forEachServer } from '../support/server';

holdBrokerForThisFile();

const rand = () => randomBytes(5).toString('hex');

describe.skipIf(!rabbitmqAvailable)('RabbitMQ bridge: dead letters', () => {
  for (const kind of ENGINES) {
    const queues = uniqueQueues(`dlq-${kind}`);
    forEachServer(
      'the bridge',
      (t) => {
        const broker = new TestBroker();
        beforeAll(() => waitForBridge(t.sb(), (s) => s.state === 'connected', 20_000, 'the bridge to connect'));
        afterAll(async () => {
          await t.sb().bridges.close();
          await broker.deleteQueues(queues.all).catch(() => undefined);
          await broker.close();
        });

        it('sets malformed and refused deliveries aside in <queue>.dlq with their reason, and keeps consuming', async () => {
          const tenant = uniqueAccountId('dlq');
          const admin = await t.connect({
            token: await t.token({ sub: `${tenant}-admin`, accountId: tenant, role: 'admin' }),
            auth: { dialect: 'portal' },
          });
          const good = (more: Record<string, unknown> = {}) => ({
            tenantId: tenant,
            externalMessageId: `wamid.${rand()}`,
            from: { contactId: `${tenant}-c1` },
            text: 'hello',
            timestamp: new Date().toISOString(),
            ...more,
          });
          const bad: Array<[string, unknown, RegExp]> = [
            ['not JSON', '{"tenantId": "t", oops', /^invalid JSON/],
            ['no sender', { ...good(), from: undefined }, /^schema: from: /],
            ['neither text nor media', good({ text: '  ' }), /^schema: text: needs text or mediaUrl/],
            ['a bad timestamp', good({ timestamp: 'yesterday' }), /^schema: timestamp/],
            ['an unknown tenant', good({ tenantId: `${tenant}-nobody` }), /^NOT_FOUND: Tenant not found/],
            ['an unknown conversation', good({ conversationId: 'no-such-conversation' }), /^NOT_FOUND: Conversation not found/],
            ['a staff member as sender', good({ from: { contactId: `${tenant}-admin` } }), /^FORBIDDEN: /],
          ];
          const before = bridgeStatus(t.sb()).deadLettered;
          for (const [label, body] of bad) await broker.publish(queues.inbound, body, { headers: { 'x-test-case': label } });
          const unknownStatus = { tenantId: tenant, externalMessageId: 'wamid.never-stored', status: 'delivered', timestamp: Date.now() };
          await broker.publish(queues.status, unknownStatus);
          await broker.publish(queues.status, { ...unknownStatus, status: 'failed' });

          // After all of that, a good message still goes through.
          const opened = nextEvent(admin, 'conversation:new', () => true, 10_000);
          await broker.publish(queues.inbound, good());
          expect(await opened).toMatchObject({ accountId: tenant, contactId: `${tenant}-c1` });

          const inboundDead = await broker.takeAll(`${queues.inbound}.dlq`, bad.length);
          const byCase = new Map(inboundDead.map((m) => [m.headers['x-test-case'], m]));
          for (const [label, body, reason] of bad) {
            const dead = byCase.get(label);
            expect(dead, label).toBeDefined();
            expect(String(dead!.headers[DEAD_LETTER_HEADERS.reason]), label).toMatch(reason);
            expect(dead!.headers[DEAD_LETTER_HEADERS.queue]).toBe(queues.inbound);
            expect(dead!.body).toBe(typeof body === 'string' ? body : JSON.stringify(body));
          }
          const statusDead = await broker.takeAll(`${queues.status}.dlq`, 2);
          expect(statusDead.map((m) => String(m.headers[DEAD_LETTER_HEADERS.reason])).sort()).toEqual([
            'NOT_FOUND: Message not found',
            expect.stringMatching(/^schema: status: /),
          ]);

          const status = await waitForBridge(t.sb(), (s) => s.deadLettered >= before + bad.length + 2, 5_000, 'dead letters to be acked');
          expect(status.state).toBe('connected');
          expect(await broker.messageCount(queues.inbound)).toBe(0);
          expect(await broker.messageCount(queues.status)).toBe(0);
          expect(await broker.messageCount(`${queues.inbound}.dlq`)).toBe(0);
        });
      },
      bridgeConfig(queues),
      [kind],
    );
  }
});
