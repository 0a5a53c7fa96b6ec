import { defaultServer as S, portalServer as P } from '@switchboard/protocol';
import type { Socket as ClientSocket } from 'socket.io-client';
import { expect, it } from 'vitest';

import { ask, nextEvent, record, settled } from '../support/events';
import { forEachServer, type ServerContext } from '../support/server';

const SHOP = 'https://shop.example.com';

type Log = Array<{ event: string; payload: any }>;

/** The events a socket heard, less the pong of the `settled` round trips. */
const heard = (log: Log) => log.filter((e) => e.event !== S.pong.name);

/** What each staff vocabulary said about contacts: `[conversationId, name, email, changes]`, in arrival order. */
const contactNews = (log: Log) =>
  heard(log)
    .filter((e) => e.event === S.conversation_updated.name || e.event === P['conversation:updated'].name)
    .map((e) => [
      e.payload.conversation.id,
      e.payload.conversation.contact?.name,
      e.payload.conversation.contact?.email,
      e.payload.changes,
    ]);

/** Every agent socket of the tenant waits for one `conversation_updated` per conversation naming `name`. */
const announced = (agent: ClientSocket, ids: string[], name: string) =>
  Promise.all(
    ids.map((id) => nextEvent(agent, S.conversation_updated, (p) => p.conversationId === id && p.conversation.contact?.name === name)),
  );

forEachServer(
  'a customer whose name or email changes, announced to staff',
  (t) => {
    it('tells the tenant staff once per conversation of the customer, on every path that changes it, and no other customer or tenant', async () => {
      const tenant = 'cd-a';
      const cust = 'cd-cust';
      const claims = { sub: cust, accountId: tenant, role: 'customer' as const, name: 'Ada Byron', email: 'ada@old.example' };
      const custToken = await t.token(claims);
      const first = (await t.http('POST', '/api/conversations', { token: custToken, body: { subject: 'Shipping' } })).body;
      const second = (await t.http('POST', '/api/conversations', { token: custToken, body: { subject: 'Returns' } })).body;
      const ids = [first.id, second.id].sort();
      // Another customer of the tenant, and a customer of another tenant who happens to have the same id.
      const otherToken = await t.token({ sub: 'cd-other', accountId: tenant, role: 'customer', name: 'Bob' });
      const otherConv = (await t.http('POST', '/api/conversations', { token: otherToken, body: {} })).body;
      const twinToken = await t.token({ ...claims, accountId: 'cd-b' });
      const twinConv = (await t.http('POST', '/api/conversations', { token: twinToken, body: {} })).body;

      const admin = await t.token({ sub: 'cd-admin', accountId: tenant, role: 'admin' });
      const agent = await t.connect({ token: await t.token({ sub: 'cd-agent', accountId: tenant, role: 'agent' }) });
      const portal = await t.connect({
        token: await t.token({ sub: 'cd-viewer', accountId: tenant, role: 'viewer' }),
        auth: { dialect: 'portal' },
      });
      const outsider = await t.connect({ token: await t.token({ sub: 'cd-b-agent', accountId: 'cd-b', role: 'agent' }) });
      const customer = await t.connect({ token: custToken });
      expect((await ask(customer, 'join_conversation', first.id)).ok).toBe(true);
      const other = await t.connect({ token: otherToken });
      expect((await ask(other, 'join_conversation', otherConv.id)).ok).toBe(true);
      const twin = await t.connect({ token: twinToken });
      expect((await ask(twin, 'join_conversation', twinConv.id)).ok).toBe(true);
      const agentLog = record(agent);
      const portalLog = record(portal);
      const outsiderLog = record(outsider);
      const customerLog = record(customer);
      const otherLog = record(other);
      const twinLog = record(twin);
      const since = (await t.http('GET', '/api/updates?since=0', { token: admin })).body.lastSeq;

      // 1. The host's new token for the customer, with a new name, on a new connection.
      let heardAll = announced(agent, ids, 'Ada Lovelace');
      const renamed = await t.connect({ token: await t.token({ ...claims, name: 'Ada Lovelace' }) });
      await heardAll;
      // 2. The same customer's live socket renews its token with a new email (token:update).
      heardAll = Promise.all(
        ids.map((id) =>
          nextEvent(agent, S.conversation_updated, (p) => p.conversationId === id && p.conversation.contact?.email === 'ada@new.example'),
        ),
      );
      const refreshed = await t.token({ ...claims, name: 'Ada Lovelace', email: 'ada@new.example' });
      expect((await ask(customer, 'token:update', { token: refreshed })).ok).toBe(true);
      await heardAll;
      // 3. A channel bridge names the contact (bridges/handle-inbound-message.ts calls this).
      heardAll = announced(agent, ids, 'Countess of Lovelace');
      await t.sb().services.users.ensureContact(tenant, cust, 'Countess of Lovelace');
      await heardAll;
      // 4. A reconnect with claims the row already has changes nothing and says nothing.
      const current = await t.connect({ token: await t.token({ ...claims, name: 'Countess of Lovelace', email: 'ada@new.example' }) });
      await settled(agent, portal, outsider, customer, other, twin, renamed, current);

      const expected = [
        ...ids.map((id) => [id, 'Ada Lovelace', 'ada@old.example', ['contact']]),
        ...ids.map((id) => [id, 'Ada Lovelace', 'ada@new.example', ['contact']]),
        ...ids.map((id) => [id, 'Countess of Lovelace', 'ada@new.example', ['contact']]),
      ];
      const sorted = (rows: unknown[][]) => [...rows].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
      // Staff, in both vocabularies: exactly one event per conversation per change, the whole contact in it.
      expect(sorted(contactNews(agentLog))).toEqual(sorted(expected));
      expect(sorted(contactNews(portalLog))).toEqual(sorted(expected));
      for (const e of heard(portalLog).filter((x) => x.event === P['conversation:updated'].name)) {
        expect(e.payload).toMatchObject({ accountId: tenant, contactId: cust, contact: { id: cust }, changes: ['contact'] });
      }
      // The customer hears only its own user:updated (one per change) and its token:update's answer, never the staff event.
      const own = S['user:updated'].name;
      expect(heard(customerLog).map((e) => e.event)).toEqual([own, own, S['token:updated'].name, own]);
      // Another customer of the tenant, another tenant's agent and the other tenant's same-id customer hear nothing.
      expect(heard(otherLog)).toEqual([]);
      expect(heard(outsiderLog)).toEqual([]);
      expect(heard(twinLog)).toEqual([]);
      const twinRow = (await t.http('GET', `/api/conversations/${twinConv.id}`, { token: twinToken })).body;
      expect(twinRow.contact).toMatchObject({ name: 'Ada Byron', email: 'ada@old.example' });

      // Logged like other conversation facts: staff polling catch up, the customer never reads it.
      const polled = (await t.http('GET', `/api/updates?since=${since}`, { token: admin })).body.events;
      expect(polled.filter((e: any) => e.type === 'conversation.contact_changed')).toHaveLength(6);
      const customerPolled = (await t.http('GET', `/api/updates?since=${since}`, { token: refreshed })).body.events;
      expect(customerPolled.some((e: any) => e.type === 'conversation.contact_changed')).toBe(false);
      // The inbox read agrees with what was announced.
      const row = (await t.http('GET', `/api/conversations/${first.id}`, { token: admin })).body;
      expect(row.contact).toMatchObject({ id: cust, name: 'Countess of Lovelace', email: 'ada@new.example' });
    });

    it("announces a widget visitor's pre-chat answers to staff, not to the visitor's widget", async () => {
      const tenant = 'cd-w';
      const admin = await t.token({ sub: 'cd-w-admin', accountId: tenant, role: 'admin' });
      const settings = (await t.http('PATCH', '/api/widget/settings', { token: admin, body: { origins: [SHOP] } })).body;
      const session = (ctx: ServerContext, body: Record<string, unknown>) =>
        ctx.http('POST', '/api/widget/sessions', { body: { key: settings.publicKey, ...body }, headers: { origin: SHOP } });
      const anon = (await session(t, {})).body;
      const conv = (await t.http('POST', '/api/conversations', { token: anon.token, body: {} })).body;

      const agent = await t.connect({ token: await t.token({ sub: 'cd-w-agent', accountId: tenant, role: 'agent' }) });
      const widget = await t.connect({ token: anon.token, query: { tenantId: tenant, conversationId: conv.id } });
      const agentLog = record(agent);
      const widgetLog = record(widget);

      const heardIt = nextEvent(agent, S.conversation_updated, (p) => p.conversationId === conv.id);
      const answered = (await session(t, { visitorId: anon.visitorId, name: 'Grace Hopper', email: 'grace@example.com' })).body;
      expect(answered).toMatchObject({ customerId: anon.visitorId, identified: false, merged: 0 });
      expect((await heardIt).conversation).toMatchObject({
        id: conv.id,
        contactId: anon.visitorId,
        contact: { id: anon.visitorId, name: 'Grace Hopper', email: 'grace@example.com', initials: 'GH' },
      });
      await settled(agent, widget);
      expect(contactNews(agentLog)).toEqual([[conv.id, 'Grace Hopper', 'grace@example.com', ['contact']]]);
      expect(heard(widgetLog).filter((e) => e.event === S.conversation_updated.name || e.event === P['conversation:updated'].name)).toEqual(
        [],
      );
    });
  },
  { WIDGET_SESSIONS_PER_IP: 1_000 },
);
