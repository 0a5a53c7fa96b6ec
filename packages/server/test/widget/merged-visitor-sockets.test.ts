import { createHmac } from 'node:crypto';

import { chatClient as C, defaultServer as S } from '@switchboard/protocol';
import type { Socket as ClientSocket } from 'socket.io-client';
import { expect, it } from 'vitest';

import { namespaceClients } from '../namespaces/namespace-clients';
import { ask, record, roundTrip, settled } from '../support/events';
import { forEachServer, type ServerContext } from '../support/server';

const SHOP = 'https://shop.example.com';
const CUSTOMER = 'mv-user';

const session = (t: ServerContext, body: Record<string, unknown>) =>
  t.http('POST', '/api/widget/sessions', { body, headers: { origin: SHOP } });

const disconnected = (socket: ClientSocket) => new Promise<string>((resolve) => socket.once('disconnect', resolve));
const MERGED = { code: 'AUTH_TOKEN_INVALID', message: expect.any(String), details: { reason: 'VISITOR_MERGED' } };

forEachServer(
  "a merged visitor's old sockets",
  (t) => {
    const named = namespaceClients(t);
    it('are told VISITOR_MERGED and disconnected on every namespace, and nobody else is', async () => {
      const tenant = 'mv-a';
      const admin = await t.token({ sub: `${tenant}-admin`, accountId: tenant, role: 'admin' });
      const settings = (await t.http('PATCH', '/api/widget/settings', { token: admin, body: { origins: [SHOP] } })).body;
      const anon = (await session(t, { key: settings.publicKey })).body;
      const conv = (await t.http('POST', '/api/conversations', { token: anon.token, body: { subject: 'Sizes' } })).body;
      // Another visitor of the tenant, and a customer of another tenant whose id is the visitor's.
      const bystander = (await session(t, { key: settings.publicKey })).body;
      const bystanderConv = (await t.http('POST', '/api/conversations', { token: bystander.token, body: {} })).body;
      const twinToken = await t.token({ sub: anon.visitorId, accountId: 'mv-b', role: 'customer' });
      const twinConv = (await t.http('POST', '/api/conversations', { token: twinToken, body: {} })).body;

      // The visitor's sockets on every surface it can reach.
      const widget = await t.connect({ token: anon.token, query: { tenantId: tenant, conversationId: conv.id } });
      const byNamespace = await t.connect({ token: anon.token, namespace: `/tenant/${tenant}/conv/${conv.id}` });
      const plain = await t.connect({ token: anon.token });
      expect((await ask(plain, 'join_conversation', conv.id)).ok).toBe(true);
      const chat = await named.open('chat', anon.token);
      expect((await ask(chat, C['chat:join'].name, { conversationId: conv.id })).ok).toBe(true);
      const visitorSockets = [widget, byNamespace, plain, chat];
      // Everyone else.
      const agent = await t.connect({ token: await t.token({ sub: `${tenant}-agent`, accountId: tenant, role: 'agent' }) });
      const other = await t.connect({ token: bystander.token, query: { tenantId: tenant, conversationId: bystanderConv.id } });
      const twin = await t.connect({ token: twinToken });
      expect((await ask(twin, 'join_conversation', twinConv.id)).ok).toBe(true);
      const othersChat = await named.open('chat', twinToken);
      const visitorLogs = visitorSockets.map(record);
      const otherLogs = [other, twin, othersChat].map(record);
      const ends = visitorSockets.map(disconnected);

      const userHash = createHmac('sha256', settings.identitySecret).update(CUSTOMER).digest('hex');
      const identified = (await session(t, { key: settings.publicKey, visitorId: anon.visitorId, userId: CUSTOMER, userHash })).body;
      expect(identified).toMatchObject({ customerId: CUSTOMER, merged: 1 });

      // Every socket of the visitor: one error saying why, then a server-side disconnect (no automatic reconnect).
      expect(await Promise.all(ends)).toEqual(visitorSockets.map(() => 'io server disconnect'));
      for (const log of visitorLogs)
        expect(log.filter((e) => e.event === S.error.name)).toEqual([{ event: S.error.name, payload: MERGED }]);
      // Nobody else: still connected, told nothing.
      await settled(agent, other, twin);
      await roundTrip(othersChat, C['chat:join'].name, { conversationId: twinConv.id });
      for (const s of [agent, other, twin, othersChat]) expect(s.connected).toBe(true);
      for (const log of otherLogs) expect(log.filter((e) => e.event === S.error.name)).toEqual([]);

      // The old token reaches nothing of the conversation now; the identified session's token does.
      // (a socket bound at the handshake is checked once connected: refused with an error, then disconnected)
      await expect(t.connect({ token: anon.token, query: { tenantId: tenant, conversationId: conv.id } })).rejects.toMatchObject({
        data: { code: 'FORBIDDEN' },
      });
      const back = await t.connect({ token: identified.token, query: { tenantId: tenant, conversationId: conv.id } });
      expect(back.connected).toBe(true);

      // A later identification that moves nothing disconnects nobody: the anonymous tab's fresh socket stays.
      const fresh = (await session(t, { key: settings.publicKey, visitorId: anon.visitorId })).body;
      const freshSocket = await t.connect({ token: fresh.token });
      const freshLog = record(freshSocket);
      expect((await session(t, { key: settings.publicKey, visitorId: anon.visitorId, userId: CUSTOMER, userHash })).body.merged).toBe(0);
      await settled(freshSocket, back);
      expect(freshLog.filter((e) => e.event === S.error.name)).toEqual([]);
    });
  },
  { WIDGET_SESSIONS_PER_IP: 1_000 },
);
