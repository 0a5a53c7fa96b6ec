import { type AddressInfo, createServer } from 'node:net';

import { defaultClient as C, defaultServer as S } from '@switchboard/protocol';
import { expect, it } from 'vitest';

import { ask, nextEvent, record, sleep, until } from '../../server/test/support/events';
import { forEachServer } from '../../server/test/support/server';
import { DefaultIn, DefaultOut, type Fact } from '../src/index';
import { connected, newClient } from './support/clients';

forEachServer(
  'client session',
  (t) => {
    it('connects after login with its token and disconnects on logout (RT-03)', async () => {
      const client = newClient({
        url: t.url(),
        token: await t.token({ sub: 'se1-agent', accountId: 'se1', role: 'agent', name: 'Sam' }),
        reconnectDelaysMs: [100],
      });
      expect(client.status).toBe('connecting');
      await connected(client);
      expect(client.session).toMatchObject({ userId: 'se1-agent', accountId: 'se1', role: 'agent', name: 'Sam' });
      expect(client.lastSeq).toBe(client.session!.lastSeq);
      const statuses: string[] = [];
      client.onState((s) => statuses.push(s.status));
      client.disconnect();
      expect(client.status).toBe('disconnected');
      // About time: nothing may happen for several reconnect delays (100 ms each here), so the wait is the assertion.
      await sleep(400);
      expect(client.status).toBe('disconnected');
      expect(statuses.filter((s) => s !== 'disconnected')).toEqual([]);
    });

    it('answers token:refresh with token:update using the app’s callback, and the server confirms', async () => {
      // Expiring within TOKEN_REFRESH_LEAD_MS (60 s), so the server asks for a new one at once.
      const short = await t.token({ sub: 'se2-agent', accountId: 'se2', role: 'agent' }, 30);
      const fresh = await t.token({ sub: 'se2-agent', accountId: 'se2', role: 'agent' }, 3_600);
      let calls = 0;
      const client = newClient({
        url: t.url(),
        token: short,
        refreshToken: async () => {
          calls++;
          return fresh;
        },
      });
      const updated: string[] = [];
      client.on(DefaultIn['token:updated'], (p) => updated.push(p.expiresAt));
      await connected(client);
      await until(() => updated.length === 1, 10_000, 'token:updated');
      expect(calls).toBe(1);
      expect(client.currentToken).toBe(fresh);
      expect(Date.parse(updated[0]!)).toBeGreaterThan(Date.now() + 3_000_000);
    });

    it('refreshes a token that expired before the handshake (AUTH_TOKEN_EXPIRED) and connects', async () => {
      const expired = await t.token({ sub: 'se3-agent', accountId: 'se3', role: 'agent' }, -60);
      const fresh = await t.token({ sub: 'se3-agent', accountId: 'se3', role: 'agent' });
      const client = newClient({ url: t.url(), token: expired, refreshToken: async () => fresh });
      await connected(client);
      expect(client.session?.userId).toBe('se3-agent');
    });

    it('stops with the reason when an expired token cannot be refreshed', async () => {
      const expired = await t.token({ sub: 'se4-agent', accountId: 'se4', role: 'agent' }, -60);
      const client = newClient({ url: t.url(), token: expired });
      await until(() => client.status === 'disconnected', 10_000, 'gave up');
      expect(client.state.error).toMatchObject({ code: 'AUTH_TOKEN_EXPIRED' });
      expect(client.state.nextRetryAt).toBeNull();
    });

    it('drops an event delivered twice (same eventId and name), and keeps distinct ones', async () => {
      const tenant = 'se5';
      const customerToken = await t.token({ sub: `${tenant}-cust`, accountId: tenant, role: 'customer' });
      const conv = (await t.http('POST', '/api/conversations', { token: customerToken, body: {} })).body;
      const client = newClient({ url: t.url(), token: await t.token({ sub: `${tenant}-agent`, accountId: tenant, role: 'agent' }) });
      const heard: Array<{ content: string; eventId?: string }> = [];
      const facts: Fact[] = [];
      client.on(DefaultIn.new_message, (p) => heard.push(p));
      client.onFact((f) => facts.push(f));
      await connected(client);
      await client.joinConversation(conv.id);
      await t.http('POST', `/api/conversations/${conv.id}/messages`, { token: customerToken, body: { content: 'once' } });
      await until(() => heard.length === 1, 10_000, 'first delivery');

      // A second node or a replay racing live traffic delivers the same logged event again.
      const again = heard[0]!;
      t.sb().io.emit(DefaultIn.new_message, again);
      t.sb().io.emit(DefaultIn.new_message, again);
      t.sb().io.emit(DefaultIn.new_message, { ...again, eventId: 'another-event', content: 'distinct' });
      await until(() => heard.length === 2, 10_000, 'the distinct event');
      // One connection delivers in order: the duplicates were emitted before the distinct event, so they are in.
      expect(heard.map((h) => h.content)).toEqual(['once', 'distinct']);
      expect(client.lastSeq).toBe((again as { seq?: number }).seq);
      // user_message and new_message are one logged event under two names: both are delivered.
      expect(facts.filter((f) => f.kind === 'message').length).toBeGreaterThanOrEqual(2);
    });

    it('polls /api/updates while the socket cannot connect, and sends over HTTP meanwhile', async () => {
      const tenant = 'se6';
      const customerToken = await t.token({ sub: `${tenant}-cust`, accountId: tenant, role: 'customer' });
      const conv = (await t.http('POST', '/api/conversations', { token: customerToken, body: { subject: 'old news' } })).body;
      await t.http('POST', `/api/conversations/${conv.id}/messages`, {
        token: customerToken,
        body: { content: 'before the client started' },
      });

      // A proxy that refuses WebSocket upgrades looks like this to the client: HTTP works, the socket never does.
      const client = newClient({
        url: t.url(),
        token: await t.token({ sub: `${tenant}-agent`, accountId: tenant, role: 'agent' }),
        socketPath: '/blocked-by-proxy',
        polling: { intervalMs: 150 },
        reconnectDelaysMs: [60_000],
      });
      const facts: Fact[] = [];
      client.onFact((f) => facts.push(f));
      await until(() => client.state.polling && client.lastSeq !== null, 10_000, 'polling from the log head');
      expect(client.connected).toBe(false);
      expect(facts).toEqual([]);
      // The polls are answered, and the state says so (a view may then say "updates by polling").
      await until(() => client.state.pollingOk === true, 10_000, 'an answered poll');

      await t.http('POST', `/api/conversations/${conv.id}/messages`, { token: customerToken, body: { content: 'while polling' } });
      await until(() => facts.some((f) => f.kind === 'message' && f.message.content === 'while polling'), 10_000, 'polled message');
      expect(facts.some((f) => f.kind === 'message' && f.message.content === 'before the client started')).toBe(false);

      const sent = await client.send({ conversationId: conv.id, content: 'reply over HTTP' }).done;
      expect(sent).toMatchObject({ content: 'reply over HTTP', role: 'HUMAN_AGENT' });
      const { body } = await t.http('GET', `/api/conversations/${conv.id}/messages`, { token: customerToken });
      expect(body.messages.map((m: { content: string }) => m.content)).toEqual([
        'before the client started',
        'while polling',
        'reply over HTTP',
      ]);
    });

    it('says polling fails too when nothing answers at the server address', async () => {
      // A port that was just free and is closed again: every socket attempt and every poll is refused.
      const closed = await new Promise<number>((resolve) => {
        const probe = createServer().listen(0, '127.0.0.1', () => {
          const { port } = probe.address() as AddressInfo;
          probe.close(() => resolve(port));
        });
      });
      const client = newClient({
        url: `http://127.0.0.1:${closed}`,
        token: await t.token({ sub: 'se6b-agent', accountId: 'se6b', role: 'agent' }),
        polling: { intervalMs: 150 },
        reconnectDelaysMs: [60_000],
      });
      await until(() => client.state.polling && client.state.pollingOk === false, 10_000, 'a refused poll');
      expect(client.connected).toBe(false);
    });

    it('signals typing without waiting, and drops it while offline', async () => {
      const tenant = 'se7';
      const customerToken = await t.token({ sub: `${tenant}-cust`, accountId: tenant, role: 'customer' });
      const offlineConv = (await t.http('POST', '/api/conversations', { token: customerToken, body: {} })).body.id as string;
      const onlineConv = (await t.http('POST', '/api/conversations', { token: customerToken, body: {} })).body.id as string;
      const watcher = await t.connect({ token: await t.token({ sub: `${tenant}-watcher`, accountId: tenant, role: 'agent' }) });
      for (const id of [offlineConv, onlineConv]) expect((await ask(watcher, C.join_conversation, id)).ok).toBe(true);
      const heard = record(watcher);

      const client = newClient({
        url: t.url(),
        token: await t.token({ sub: `${tenant}-agent`, accountId: tenant, role: 'agent' }),
        autoConnect: false,
      });
      client.signal(DefaultOut.typing_start, { conversationId: offlineConv });
      await expect(client.request(DefaultOut.ping, { timestamp: 1 })).rejects.toMatchObject({ code: 'NETWORK' });

      client.connect();
      await connected(client);
      // Online, a signal goes out at once.
      const typing = nextEvent(watcher, S.typing_start, (p) => p.conversationId === onlineConv);
      client.signal(DefaultOut.typing_start, { conversationId: onlineConv });
      expect((await typing).userId).toBe(`${tenant}-agent`);
      // Had the offline signal been queued, it would have left before the online one and before this send.
      await client.send({ conversationId: offlineConv, content: 'no typing before me' }).done;
      await until(() => heard.some((e) => e.event === S.new_message.name && e.payload.conversationId === offlineConv), 5_000, 'the send');
      expect(heard.filter((e) => e.event === S.typing_start.name).map((e) => e.payload.conversationId)).toEqual([onlineConv]);
    });
  },
  {},
  ['pglite'],
);
