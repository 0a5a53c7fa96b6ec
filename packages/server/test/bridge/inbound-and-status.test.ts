import { randomBytes } from 'node:crypto';

import type { Socket as ClientSocket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { ENGINES, uniqueAccountId } from '../support/databases';
import { ask, eventually, nextEvent, record } from '../support/events';
import {
  bridgeConfig,
  bridgeStatus,
  holdBrokerForThisFile,
  rabbitmqAvailable,
  TestBroker,
  uniqueQueues,
  waitForBridge,
} from '../support/rabbitmq';
import { forEachServer, type ServerContext } from '../support/server';

holdBrokerForThisFile();

const rand = () => randomBytes(5).toString('hex');

/** A tenant with a portal admin and a default-vocabulary agent connected, as an inbound message finds it. */
async function staffOf(t: ServerContext) {
  const tenant = uniqueAccountId('wa');
  const portal = await t.connect({
    token: await t.token({ sub: `${tenant}-admin`, accountId: tenant, role: 'admin' }),
    auth: { dialect: 'portal' },
  });
  const agent = await t.connect({ token: await t.token({ sub: `${tenant}-agent`, accountId: tenant, role: 'agent' }) });
  return { tenant, portal, agent, portalLog: record(portal), agentLog: record(agent) };
}

function inbound(tenant: string, more: Record<string, unknown> = {}) {
  return {
    tenantId: tenant,
    externalMessageId: `wamid.${rand()}+AbC==`,
    from: { contactId: `${tenant}-c1`, name: 'Ana Souza' },
    text: 'Hola, my order is late',
    channelType: 'whatsapp',
    timestamp: Math.floor(Date.now() / 1000),
    ...more,
  };
}

async function joinAll(conversationId: string, ...sockets: ClientSocket[]) {
  for (const s of sockets) expect((await ask(s, 'join_conversation', conversationId)).ok).toBe(true);
}

describe.skipIf(!rabbitmqAvailable)('RabbitMQ bridge: inbound messages and status updates', () => {
  for (const kind of ENGINES) {
    const queues = uniqueQueues(`flow-${kind}`);
    forEachServer(
      'the bridge',
      (t) => {
        const broker = new TestBroker();
        beforeAll(() => waitForBridge(t.sb(), (s) => s.state === 'connected', 20_000, 'the bridge to connect'));
        afterAll(async () => {
          // Stopped first: a consumer whose queue is deleted would reconnect and declare it again.
          await t.sb().bridges.close();
          await broker.deleteQueues(queues.all).catch(() => undefined);
          await broker.close();
        });

        const countByExternalId = async (tenant: string, externalId: string) =>
          Number(
            (
              await t
                .sb()
                .services.db.query<{ n: number }>('SELECT count(*)::int AS n FROM messages WHERE account_id = $1 AND external_id = $2', [
                  tenant,
                  externalId,
                ])
            )[0]?.n,
          );

        it('reports the bridge as a /readyz check', async () => {
          const res = await t.http('GET', '/readyz');
          expect(res).toMatchObject({ status: 200, body: { status: 'ready', checks: { database: 'ok', rabbitmq: 'ok' } } });
        });

        it('stores an inbound message once though it is published twice, opening its conversation (conversation:new, conversation_created)', async () => {
          const { tenant, portal, portalLog, agentLog } = await staffOf(t);
          const msg = inbound(tenant, { conversationExternalId: `thread-${rand()}` });
          const opened = nextEvent(portal, 'conversation:new');
          const ackedBefore = bridgeStatus(t.sb()).acked;
          await broker.publish(queues.inbound, msg);
          await broker.publish(queues.inbound, msg);

          const conversation = await opened;
          expect(conversation).toMatchObject({
            accountId: tenant,
            contactId: `${tenant}-c1`,
            channelType: 'whatsapp',
            status: 'OPEN',
            seq: expect.any(Number),
          });
          await waitForBridge(t.sb(), (s) => s.acked >= ackedBefore + 2, 10_000, 'both deliveries to be acked');
          expect(await countByExternalId(tenant, msg.externalMessageId)).toBe(1);
          expect(portalLog.filter((e) => e.event === 'conversation:new')).toHaveLength(1);
          expect(agentLog.filter((e) => e.event === 'conversation_created')).toHaveLength(1);
          const userMessages = agentLog.filter((e) => e.event === 'user_message');
          expect(userMessages).toHaveLength(1);
          expect(userMessages[0]!.payload).toMatchObject({
            conversationId: conversation.id,
            message: {
              role: 'USER',
              content: 'Hola, my order is late',
              externalId: msg.externalMessageId,
              senderId: `${tenant}-c1`,
              channelType: 'whatsapp',
            },
          });
        });

        it('reaches a joined portal socket as message:new, a default one as new_message and user_message, and the contact’s widget as inbound_message', async () => {
          const { tenant, portal, agent } = await staffOf(t);
          const opened = nextEvent(portal, 'conversation:new');
          await broker.publish(queues.inbound, inbound(tenant));
          const conversationId = (await opened).id as string;
          await joinAll(conversationId, portal, agent);
          const customerToken = await t.token({ sub: `${tenant}-c1`, accountId: tenant, role: 'customer' });
          const widget = await t.connect({ token: customerToken, query: { tenantId: tenant, conversationId } });
          const widgetLog = record(widget);

          // Named by Switchboard's conversation id this time, with media.
          const second = inbound(tenant, {
            conversationId,
            text: 'here is the receipt',
            mediaUrl: 'https://cdn.example.com/r.jpg',
            contentType: 'image',
          });
          const portalNew = nextEvent(portal, 'message:new', (p) => p.externalId === second.externalMessageId);
          const agentNew = nextEvent(agent, 'new_message', (p) => p.message.externalId === second.externalMessageId);
          const agentUser = nextEvent(agent, 'user_message', (p) => p.message.externalId === second.externalMessageId);
          const widgetNew = nextEvent(widget, 'inbound_message', (p) => p.text === 'here is the receipt');
          await broker.publish(queues.inbound, second);

          expect(await portalNew).toMatchObject({
            conversationId,
            role: 'USER',
            content: 'here is the receipt',
            contentType: 'image',
            mediaUrl: 'https://cdn.example.com/r.jpg',
          });
          expect(await agentNew).toMatchObject({ conversationId, content: 'here is the receipt', role: 'USER' });
          expect((await agentUser).conversationId).toBe(conversationId);
          const seen = await widgetNew;
          expect(seen).toMatchObject({
            mediaUrl: 'https://cdn.example.com/r.jpg',
            conversationId,
            role: 'USER',
            direction: 'inbound',
            timestamp: expect.any(String),
          });
          expect(widgetLog.some((e) => e.event === 'conversation:new' || e.event === 'new_message' || e.event === 'message:new')).toBe(
            false,
          );
        });

        it('a contact without a thread id keeps one conversation per channel', async () => {
          const { tenant, portal } = await staffOf(t);
          const opened = nextEvent(portal, 'conversation:new');
          const first = inbound(tenant);
          const second = inbound(tenant, { text: 'anyone there?' });
          await broker.publish(queues.inbound, first);
          await broker.publish(queues.inbound, second);
          const conversationId = (await opened).id;
          await waitForRows(t, tenant, 2);
          const rows = await t
            .sb()
            .services.db.query<{ conversation_id: string }>('SELECT conversation_id FROM messages WHERE account_id = $1', [tenant]);
          expect(rows.map((r) => r.conversation_id)).toEqual([conversationId, conversationId]);
        });

        it('a status update moves the message forward once: message:delivered, message_status, status_update (sent included); late ones change nothing', async () => {
          const { tenant, portal, agent, portalLog, agentLog } = await staffOf(t);
          const opened = nextEvent(portal, 'conversation:new');
          const first = inbound(tenant);
          await broker.publish(queues.inbound, first);
          const conversationId = (await opened).id as string;
          await joinAll(conversationId, portal, agent);
          const widget = await t.connect({
            token: await t.token({ sub: `${tenant}-c1`, accountId: tenant, role: 'customer' }),
            query: { tenantId: tenant, conversationId },
          });
          const widgetLog = record(widget);
          const reply = (await ask(agent, 'send_message', { conversationId, content: 'Checking your order now' })).data;

          const at = '2025-01-02T03:04:05.000Z';
          // 003 T3.5: WhatsApp's `sent` is announced too, once though it is reported twice.
          const sent = nextEvent(widget, 'status_update', (p) => p.messageId === reply.id && p.status === 'sent');
          await broker.publish(queues.status, { tenantId: tenant, messageId: reply.id, status: 'sent', timestamp: at });
          await broker.publish(queues.status, { tenantId: tenant, messageId: reply.id, status: 'sent', timestamp: at });
          expect(await sent).toMatchObject({ conversationId, messageId: reply.id, status: 'sent' });
          const delivered = nextEvent(portal, 'message:delivered', (p) => p.messageId === reply.id);
          await broker.publish(queues.status, { tenantId: tenant, messageId: reply.id, status: 'delivered', timestamp: at });
          expect(await delivered).toMatchObject({ conversationId, messageId: reply.id, status: 'delivered', userId: `${tenant}-c1`, at });
          const read = nextEvent(widget, 'status_update', (p) => p.messageId === reply.id && p.status === 'read');
          await broker.publish(queues.status, { tenantId: tenant, messageId: reply.id, status: 'read', timestamp: Date.now() });
          await read;
          const ackedBefore = bridgeStatus(t.sb()).acked;
          await broker.publish(queues.status, { tenantId: tenant, messageId: reply.id, status: 'delivered', timestamp: Date.now() });
          await broker.publish(queues.status, { tenantId: tenant, messageId: reply.id, status: 'sent', timestamp: Date.now() });
          // By the channel's own id, as WhatsApp reports it.
          const byExternal = nextEvent(agent, 'message_status', (p) => p.status === 'read' && p.messageId !== reply.id);
          await broker.publish(queues.status, {
            tenantId: tenant,
            externalMessageId: first.externalMessageId,
            status: 'read',
            timestamp: at,
          });
          expect(await byExternal).toMatchObject({ conversationId, status: 'read', userId: null });
          await waitForBridge(t.sb(), (s) => s.acked >= ackedBefore + 3, 10_000, 'the late updates to be acked');

          const statuses = (log: typeof portalLog, event: string) =>
            log.filter((e) => e.event === event && e.payload.messageId === reply.id).map((e) => e.payload.status);
          expect(statuses(portalLog, 'message:delivered')).toEqual(['sent', 'delivered', 'read']);
          expect(statuses(agentLog, 'message_status')).toEqual(['sent', 'delivered', 'read']);
          expect(statuses(widgetLog, 'status_update')).toEqual(['sent', 'delivered', 'read']);
          const [row] = await t.sb().services.db.query<{ status: string }>('SELECT status FROM messages WHERE id = $1', [reply.id]);
          expect(row?.status).toBe('read');
        });
      },
      bridgeConfig(queues),
      [kind],
    );
  }
});

async function waitForRows(t: ServerContext, tenant: string, n: number): Promise<void> {
  await eventually(
    async () => {
      const [row] = await t
        .sb()
        .services.db.query<{ n: number }>('SELECT count(*)::int AS n FROM messages WHERE account_id = $1', [tenant]);
      if ((row?.n ?? 0) < n) throw new Error(`only ${row?.n} of ${n} messages stored`);
    },
    { ms: 10_000, every: 25 },
  );
}
