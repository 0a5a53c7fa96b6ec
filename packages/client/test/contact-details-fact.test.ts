import { createHmac } from 'node:crypto';

import { expect, it } from 'vitest';

import { eventually } from '../../server/test/support/events';
import { forEachServer } from '../../server/test/support/server';
import type { Fact } from '../src/index';
import { connected, newClient } from './support/clients';

const SHOP = 'https://shop.example.com';

forEachServer(
  "client: a customer's identity changes",
  (t) => {
    it("gives staff clients of both vocabularies each of the customer's conversations with the new contact", async () => {
      const claims = { sub: 'cdf-cust', accountId: 'cdf', role: 'customer' as const, name: 'Ada Byron', email: 'ada@old.example' };
      const customer = await t.token(claims);
      const ids = [
        (await t.http('POST', '/api/conversations', { token: customer, body: {} })).body.id,
        (await t.http('POST', '/api/conversations', { token: customer, body: {} })).body.id,
      ];
      const agentToken = await t.token({ sub: 'cdf-agent', accountId: 'cdf', role: 'agent' });
      const facts = { default: [] as Fact[], portal: [] as Fact[] };
      for (const dialect of ['default', 'portal'] as const) {
        const client = newClient({ url: t.url(), token: agentToken, dialect });
        await connected(client);
        client.onFact((f) => facts[dialect].push(f));
      }
      // The customer's next request carries the host's new token: a new name, the same email.
      await t.http('GET', '/api/conversations', { token: await t.token({ ...claims, name: 'Ada Lovelace' }) });

      for (const dialect of ['default', 'portal'] as const) {
        const renamed = await eventually(
          () => {
            const found = facts[dialect].filter((f) => f.kind === 'conversation' && f.changes?.includes('contact'));
            return found.length === ids.length && found;
          },
          { what: `${dialect} facts` },
        );
        for (const fact of renamed) {
          expect(fact).toMatchObject({
            kind: 'conversation',
            created: false,
            changes: ['contact'],
            conversation: {
              contactId: 'cdf-cust',
              contact: { id: 'cdf-cust', name: 'Ada Lovelace', email: 'ada@old.example', initials: 'AL' },
            },
          });
        }
        expect(renamed.map((f) => (f.kind === 'conversation' ? f.conversationId : '')).sort()).toEqual([...ids].sort());
      }
    });

    it('reconnects a merged visitor with a fresh token from refreshToken (VISITOR_MERGED), not the retired one', async () => {
      const admin = await t.token({ sub: 'cdf-admin', accountId: 'cdf-w', role: 'admin' });
      const settings = (await t.http('PATCH', '/api/widget/settings', { token: admin, body: { origins: [SHOP] } })).body;
      const session = async (body: Record<string, unknown>) =>
        (await t.http('POST', '/api/widget/sessions', { body: { key: settings.publicKey, ...body }, headers: { origin: SHOP } })).body;
      const anon = await session({});
      await t.http('POST', '/api/conversations', { token: anon.token, body: {} });
      const userHash = createHmac('sha256', settings.identitySecret).update('cdf-user').digest('hex');
      const tokensGiven: string[] = [];
      const client = newClient({
        url: t.url(),
        token: anon.token,
        reconnectDelaysMs: [50],
        jitter: 0,
        // As the widget renews: a new session for the same visitor (this page is identified now).
        refreshToken: async () => {
          const renewed = await session({ visitorId: anon.visitorId, userId: 'cdf-user', userHash });
          tokensGiven.push(renewed.token);
          return renewed.token;
        },
      });
      await connected(client);
      expect(client.session?.userId).toBe(anon.visitorId);

      expect((await session({ visitorId: anon.visitorId, userId: 'cdf-user', userHash })).merged).toBe(1);
      await eventually(() => client.connected && client.session?.userId === 'cdf-user', { what: 'reconnected as the customer' });
      expect(tokensGiven).toHaveLength(1);
      expect(client.currentToken).toBe(tokensGiven[0]);
    });
  },
  { WIDGET_SESSIONS_PER_IP: 1_000 },
);
