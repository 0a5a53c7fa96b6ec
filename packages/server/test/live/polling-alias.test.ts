import { expect, it } from 'vitest';

import { uniqueAccountId } from '../support/databases';
import { ask } from '../support/events';
import { forEachServer } from '../support/server';

forEachServer('seed 001’s polling path', (t) => {
  it('GET /tickets/updates?since= answers as /api/updates does, with the same auth', async () => {
    const accountId = uniqueAccountId('poll');
    const customerToken = await t.token({ sub: 'poll-cust', accountId, role: 'customer' });
    const agent = await t.connect({ token: await t.token({ sub: 'poll-agent', accountId, role: 'agent' }) });
    const conversationId = (await t.http('POST', '/api/conversations', { token: customerToken, body: {} })).body.id;
    expect((await ask(agent, 'join_conversation', conversationId)).ok).toBe(true);
    expect((await ask(agent, 'send_message', { conversationId, content: 'polled' })).ok).toBe(true);

    const api = await t.http('GET', '/api/updates?since=0', { token: customerToken });
    const alias = await t.http('GET', '/tickets/updates?since=0', { token: customerToken });
    expect(alias.status).toBe(200);
    expect(api.body.events.flatMap((e: any) => e.deliveries.map((d: any) => d.event))).toContain('new_message');
    expect(alias.body).toEqual(api.body);
    const later = await t.http('GET', `/tickets/updates?since=${api.body.lastSeq}`, { token: customerToken });
    expect(later.body).toEqual((await t.http('GET', `/api/updates?since=${api.body.lastSeq}`, { token: customerToken })).body);

    for (const path of ['/api/updates?since=0', '/tickets/updates?since=0']) {
      const anonymous = await t.http('GET', path);
      const forged = await t.http('GET', path, { token: 'not-a-jwt' });
      const bad = await t.http('GET', path.replace('since=0', 'since=-1'), { token: customerToken });
      expect([anonymous.status, forged.status, bad.status], path).toEqual([401, 401, 400]);
      expect([anonymous.body.error.code, forged.body.error.code, bad.body.error.code], path).toEqual([
        'MISSING_TOKEN',
        'AUTH_TOKEN_INVALID',
        'VALIDATION_FAILED',
      ]);
    }
  });
});
