import { createHmac } from 'node:crypto';

import { defaultServer as S, portalServer as P } from '@switchboard/protocol';
import { expect, it } from 'vitest';

import { ask, nextEvent, record, settled } from '../support/events';
import { forEachServer, type ServerContext } from '../support/server';

const SHOP = 'https://shop.example.com';
const CUSTOMER = 'user-42';

const session = (t: ServerContext, body: Record<string, unknown>) =>
  t.http('POST', '/api/widget/sessions', { body, headers: { origin: SHOP } });

/** The events a socket heard, less the pong of the `settled` round trips. */
const heard = (log: Array<{ event: string; payload: any }>) => log.filter((e) => e.event !== S.pong.name);

forEachServer(
  'an identified widget visitor, announced to staff',
  (t) => {
    it('tells every agent of the tenant once per moved conversation who the visitor is, and nobody else anything', async () => {
      const tenant = 'wm-a';
      const admin = await t.token({ sub: `${tenant}-admin`, accountId: tenant, role: 'admin' });
      const settings = (await t.http('PATCH', '/api/widget/settings', { token: admin, body: { origins: [SHOP] } })).body;

      // An anonymous visitor opens two conversations and chats in one.
      const anon = (await session(t, { key: settings.publicKey })).body;
      const first = (await t.http('POST', '/api/conversations', { token: anon.token, body: { subject: 'Shipping' } })).body;
      const second = (await t.http('POST', '/api/conversations', { token: anon.token, body: { subject: 'Returns' } })).body;
      await t.http('POST', `/api/conversations/${first.id}/messages`, { token: anon.token, body: { content: 'Do you ship to Oslo?' } });

      // Another tenant has a contact that happens to carry the visitor's id: it must stay untouched.
      const otherCustomer = await t.token({ sub: anon.visitorId, accountId: 'wm-b', role: 'customer' });
      const foreign = (await t.http('POST', '/api/conversations', { token: otherCustomer, body: {} })).body;

      // Staff of the tenant in both vocabularies, staff of another tenant, and every socket the customer has.
      const agent = await t.connect({ token: await t.token({ sub: `${tenant}-agent`, accountId: tenant, role: 'agent' }) });
      const portal = await t.connect({
        token: await t.token({ sub: `${tenant}-viewer`, accountId: tenant, role: 'viewer' }),
        auth: { dialect: 'portal' },
      });
      const outsider = await t.connect({ token: await t.token({ sub: 'wm-b-agent', accountId: 'wm-b', role: 'agent' }) });
      const widget = await t.connect({ token: anon.token, query: { tenantId: tenant, conversationId: first.id } });
      const visitor = await t.connect({ token: anon.token });
      expect((await ask(visitor, 'join_conversation', second.id)).ok).toBe(true);
      // The host's own token for the customer, with the same name and email, so its sign-in changes no profile.
      const host = await t.connect({
        token: await t.token({ sub: CUSTOMER, accountId: tenant, role: 'customer', name: 'Ada Lovelace', email: 'ada@example.com' }),
      });
      const agentLog = record(agent);
      const portalLog = record(portal);
      const outsiderLog = record(outsider);
      const widgetLog = record(widget);
      const visitorLog = record(visitor);
      const hostLog = record(host);
      const evicted = [widget, visitor].map((s) => new Promise<string>((resolve) => s.once('disconnect', resolve)));
      const sinceForAgent = (await t.http('GET', '/api/updates?since=0', { token: admin })).body.lastSeq;

      const bothHeard = Promise.all(
        [first.id, second.id].map((id) => nextEvent(agent, S.conversation_updated, (p) => p.conversationId === id)),
      );
      const hash = createHmac('sha256', settings.identitySecret).update(CUSTOMER).digest('hex');
      const identified = (
        await session(t, {
          key: settings.publicKey,
          visitorId: anon.visitorId,
          userId: CUSTOMER,
          userHash: hash,
          name: 'Ada Lovelace',
          email: 'ada@example.com',
        })
      ).body;
      expect(identified).toMatchObject({ customerId: CUSTOMER, identified: true, merged: 2 });

      for (const payload of await bothHeard) {
        expect(payload.changes).toEqual(['contactId', 'contact']);
        expect(payload.conversation).toMatchObject({
          accountId: tenant,
          contactId: CUSTOMER,
          contact: { id: CUSTOMER, name: 'Ada Lovelace', email: 'ada@example.com', initials: 'AL' },
        });
        expect(payload.seq).toEqual(expect.any(Number));
      }
      // The visitor's own sockets are told why and disconnected (docs/decisions.md, "A merged visitor's sockets").
      expect(await Promise.all(evicted)).toEqual(['io server disconnect', 'io server disconnect']);
      await settled(agent, portal, outsider, host);

      // Exactly once per moved conversation, in each staff vocabulary.
      const contactChanges = (log: typeof agentLog, name: string) =>
        heard(log)
          .filter((e) => e.event === name)
          .map((e) => e.payload.conversationId ?? e.payload.id)
          .sort();
      expect(contactChanges(agentLog, S.conversation_updated.name)).toEqual([first.id, second.id].sort());
      const portalChanges = heard(portalLog).filter((e) => e.event === P['conversation:updated'].name);
      expect(portalChanges.map((e) => e.payload.id).sort()).toEqual([first.id, second.id].sort());
      for (const e of portalChanges) {
        expect(e.payload).toMatchObject({ contactId: CUSTOMER, changes: ['contactId', 'contact'], contact: { name: 'Ada Lovelace' } });
      }
      // Another tenant's agent hears nothing, and its own conversation keeps its contact.
      expect(heard(outsiderLog)).toEqual([]);
      const otherAgent = await t.token({ sub: 'wm-b-agent', accountId: 'wm-b', role: 'agent' });
      expect((await t.http('GET', `/api/conversations/${foreign.id}`, { token: otherAgent })).body.contactId).toBe(anon.visitorId);
      // The customer's sockets hear nothing of it: the host's nothing at all, the visitor's (the widget's and the
      // default-namespace one) only why they were disconnected.
      expect(heard(hostLog)).toEqual([]);
      for (const log of [widgetLog, visitorLog]) {
        expect(heard(log)).toEqual([
          {
            event: S.error.name,
            payload: { code: 'AUTH_TOKEN_INVALID', message: expect.any(String), details: { reason: 'VISITOR_MERGED' } },
          },
        ]);
      }

      // A reload that identifies again moves nothing and announces nothing.
      const again = (await session(t, { key: settings.publicKey, visitorId: anon.visitorId, userId: CUSTOMER, userHash: hash })).body;
      expect(again.merged).toBe(0);
      await settled(agent, portal);
      expect(contactChanges(agentLog, S.conversation_updated.name)).toHaveLength(2);
      expect(heard(portalLog).filter((e) => e.event === P['conversation:updated'].name)).toHaveLength(2);

      // It is in the log like other conversation facts: an agent polling catches up on it, the customer never sees it.
      const polled = (await t.http('GET', `/api/updates?since=${sinceForAgent}`, { token: admin })).body.events;
      const polledChanges = polled.filter((e: any) => e.type === 'conversation.contact_changed');
      expect(polledChanges.map((e: any) => e.deliveries.map((d: any) => d.event))).toEqual([
        [S.conversation_updated.name],
        [S.conversation_updated.name],
      ]);
      const customerPolled = (await t.http('GET', '/api/updates?since=0', { token: identified.token })).body.events;
      expect(customerPolled.some((e: any) => e.type === 'conversation.contact_changed')).toBe(false);
      // And the inbox read agrees with what was announced.
      const row = (await t.http('GET', `/api/conversations/${first.id}`, { token: admin })).body;
      expect(row.contact).toEqual({ id: CUSTOMER, name: 'Ada Lovelace', email: 'ada@example.com', initials: 'AL' });
    });
  },
  { WIDGET_SESSIONS_PER_IP: 1_000 },
);
