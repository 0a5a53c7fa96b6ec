import { expect, it } from 'vitest';

import { forEachServer } from '../support/server';

forEachServer('inbox: full-text search', (t) => {
  async function seed(account: string, people: Array<{ sub: string; name: string; email: string; texts: string[] }>) {
    const ids: Record<string, string> = {};
    for (const p of people) {
      const token = await t.token({ sub: p.sub, accountId: account, role: 'customer', name: p.name, email: p.email });
      const conv = (await t.http('POST', '/api/conversations', { token, body: {} })).body;
      ids[p.sub] = conv.id;
      for (const content of p.texts) await t.http('POST', `/api/conversations/${conv.id}/messages`, { token, body: { content } });
    }
    return ids;
  }

  it('finds messages by their words and conversations by contact name or email, best match first', async () => {
    const ids = await seed('search-a', [
      {
        sub: 'sa-maria',
        name: 'Maria Garcia',
        email: 'maria@example.com',
        texts: ['My parcel never arrived', 'The parcel tracking says parcel delivered'],
      },
      { sub: 'sa-john', name: 'John Smith', email: 'john@smith.test', texts: ['Refund for my invoice please'] },
    ]);
    const agent = await t.token({ sub: 'sa-agent', accountId: 'search-a', role: 'agent' });
    const parcel = await t.http('GET', '/api/search?q=parcel', { token: agent });
    expect(parcel.status).toBe(200);
    expect(parcel.body.hits.map((h: any) => h.content)).toEqual(['The parcel tracking says parcel delivered', 'My parcel never arrived']);
    expect(parcel.body.hits[0]).toMatchObject({
      kind: 'message',
      conversationId: ids['sa-maria'],
      messageId: expect.any(String),
      role: 'USER',
      contact: { name: 'Maria Garcia' },
    });
    expect(parcel.body.nextCursor).toBeNull();

    const byName = (await t.http('GET', '/api/search?q=smith', { token: agent })).body.hits;
    expect(byName).toEqual([
      expect.objectContaining({
        kind: 'contact',
        conversationId: ids['sa-john'],
        messageId: null,
        contact: expect.objectContaining({ email: 'john@smith.test' }),
      }),
    ]);
    const byEmail = (await t.http('GET', `/api/search?q=${encodeURIComponent('example.com')}`, { token: agent })).body.hits;
    expect(byEmail.map((h: any) => [h.kind, h.conversationId])).toEqual([['contact', ids['sa-maria']]]);
    const phrase = (await t.http('GET', `/api/search?q=${encodeURIComponent('"parcel never" -tracking')}`, { token: agent })).body.hits;
    expect(phrase.map((h: any) => h.content)).toEqual(['My parcel never arrived']);
  });

  it('pages with an opaque cursor', async () => {
    await seed('search-p', [
      { sub: 'sp-c', name: 'Pat', email: 'pat@p.test', texts: Array.from({ length: 25 }, (_, i) => `widget question ${i}`) },
    ]);
    const agent = await t.token({ sub: 'sp-agent', accountId: 'search-p', role: 'admin' });
    const first = (await t.http('GET', '/api/search?q=widget', { token: agent })).body;
    expect(first.hits).toHaveLength(20);
    const second = (await t.http('GET', `/api/search?q=widget&cursor=${first.nextCursor}`, { token: agent })).body;
    expect(second.hits).toHaveLength(5);
    expect(second.nextCursor).toBeNull();
    const all = [...first.hits, ...second.hits].map((h: any) => h.messageId);
    expect(new Set(all).size).toBe(25);
    expect((await t.http('GET', '/api/search?q=widget&cursor=bogus', { token: agent })).body.error.code).toBe('VALIDATION_FAILED');
  });

  it('never shows another tenant’s messages or contacts, and refuses customers', async () => {
    await seed('search-x1', [{ sub: 'sx-a', name: 'Alice Secret', email: 'alice@one.test', texts: ['zebra password reset'] }]);
    await seed('search-x2', [{ sub: 'sx-b', name: 'Bob Other', email: 'bob@two.test', texts: ['zebra crossing'] }]);
    const agent2 = await t.token({ sub: 'sx-agent', accountId: 'search-x2', role: 'agent' });
    const hits = (await t.http('GET', '/api/search?q=zebra', { token: agent2 })).body.hits;
    expect(hits.map((h: any) => h.content)).toEqual(['zebra crossing']);
    expect((await t.http('GET', '/api/search?q=alice', { token: agent2 })).body.hits).toEqual([]);
    const customer = await t.token({ sub: 'sx-b', accountId: 'search-x2', role: 'customer' });
    const refused = await t.http('GET', '/api/search?q=zebra', { token: customer });
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('FORBIDDEN');
    expect((await t.http('GET', '/api/search?q=', { token: agent2 })).body.error.code).toBe('VALIDATION_FAILED');
    expect((await t.http('GET', '/api/search?q=zebra')).status).toBe(401);
  });
});
