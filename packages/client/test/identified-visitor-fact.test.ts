import { createHmac } from 'node:crypto';

import { expect, it } from 'vitest';

import { eventually } from '../../server/test/support/events';
import { forEachServer } from '../../server/test/support/server';
import type { Fact } from '../src/index';
import { connected, newClient } from './support/clients';

const SHOP = 'https://shop.example.com';

forEachServer('client: an identified widget visitor as a conversation fact', (t) => {
  it('gives staff clients of both vocabularies the conversation with its new contact and what changed', async () => {
    const admin = await t.token({ sub: 'cf-admin', accountId: 'cf', role: 'admin' });
    const settings = (await t.http('PATCH', '/api/widget/settings', { token: admin, body: { origins: [SHOP] } })).body;
    const session = (body: Record<string, unknown>) =>
      t.http('POST', '/api/widget/sessions', { body: { key: settings.publicKey, ...body }, headers: { origin: SHOP } });
    const anon = (await session({})).body;
    const conv = (await t.http('POST', '/api/conversations', { token: anon.token, body: {} })).body;

    const agentToken = await t.token({ sub: 'cf-agent', accountId: 'cf', role: 'agent' });
    const facts = { default: [] as Fact[], portal: [] as Fact[] };
    for (const dialect of ['default', 'portal'] as const) {
      const client = newClient({ url: t.url(), token: agentToken, dialect });
      await connected(client);
      client.onFact((f) => facts[dialect].push(f));
    }
    const userHash = createHmac('sha256', settings.identitySecret).update('cf-user').digest('hex');
    expect((await session({ visitorId: anon.visitorId, userId: 'cf-user', userHash, name: 'Grace Hopper' })).body.merged).toBe(1);

    for (const dialect of ['default', 'portal'] as const) {
      const fact = await eventually(() => facts[dialect].find((f) => f.kind === 'conversation' && f.conversationId === conv.id) ?? false, {
        what: `${dialect} fact`,
      });
      expect(fact).toMatchObject({
        kind: 'conversation',
        created: false,
        changes: ['contactId', 'contact'],
        conversation: { id: conv.id, contactId: 'cf-user', contact: { id: 'cf-user', name: 'Grace Hopper', initials: 'GH' } },
      });
    }
  });
});
