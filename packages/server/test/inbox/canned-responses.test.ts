import { expect, it } from 'vitest';

import { forEachServer } from '../support/server';

forEachServer('canned responses: admins manage them, staff read them', (t) => {
  it('CRUD by admins; agents and viewers read; customers and other tenants see nothing', async () => {
    const admin = await t.token({ sub: 'ada', accountId: 'canned-a', role: 'admin' });
    const agent = await t.token({ sub: 'alex', accountId: 'canned-a', role: 'agent' });
    const customer = await t.token({ sub: 'cus', accountId: 'canned-a', role: 'customer' });
    const otherAdmin = await t.token({ sub: 'ozzy', accountId: 'canned-b', role: 'admin' });
    const body = { shortcut: 'hello', title: 'Greeting', content: 'Hi {{contact.name | there}}, I am {{agent.name}}.' };

    expect((await t.http('POST', '/api/canned-responses', { token: agent, body })).status).toBe(403);
    const created = await t.http('POST', '/api/canned-responses', { token: admin, body });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ ...body, accountId: 'canned-a' });
    const taken = await t.http('POST', '/api/canned-responses', { token: admin, body: { ...body, shortcut: 'HELLO' } });
    expect(taken.status).toBe(400);
    expect(taken.body.error.details).toEqual({ field: 'shortcut' });
    const bad = await t.http('POST', '/api/canned-responses', { token: admin, body: { ...body, shortcut: 'has space' } });
    expect(bad.status).toBe(400);
    await t.http('POST', '/api/canned-responses', { token: admin, body: { shortcut: 'bye', content: 'Bye!' } });

    const listed = await t.http('GET', '/api/canned-responses', { token: agent });
    expect(listed.body.cannedResponses.map((c: any) => c.shortcut)).toEqual(['bye', 'hello']);
    expect((await t.http('GET', '/api/canned-responses', { token: customer })).status).toBe(403);
    expect((await t.http('GET', '/api/canned-responses', { token: otherAdmin })).body.cannedResponses).toEqual([]);

    const id = created.body.id;
    const patched = await t.http('PATCH', `/api/canned-responses/${id}`, { token: admin, body: { content: 'Hello!', title: null } });
    expect(patched.body).toMatchObject({ shortcut: 'hello', content: 'Hello!', title: null });
    expect((await t.http('PATCH', `/api/canned-responses/${id}`, { token: admin, body: { shortcut: 'bye' } })).status).toBe(400);
    expect((await t.http('PATCH', `/api/canned-responses/${id}`, { token: otherAdmin, body: { content: 'x' } })).status).toBe(404);
    expect((await t.http('DELETE', `/api/canned-responses/${id}`, { token: otherAdmin })).status).toBe(404);
    expect((await t.http('DELETE', `/api/canned-responses/${id}`, { token: agent })).status).toBe(403);
    expect((await t.http('DELETE', `/api/canned-responses/${id}`, { token: admin })).status).toBe(204);
    expect((await t.http('GET', '/api/canned-responses', { token: admin })).body.cannedResponses.map((c: any) => c.shortcut)).toEqual([
      'bye',
    ]);
  });
});
