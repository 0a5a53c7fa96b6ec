import { expect, it } from 'vitest';

import { forEachServer, INTERNAL_KEY } from './support/server';

forEachServer('conversation HTTP routes', (t) => {
  it('lets a customer open its own conversation and nobody else’s', async () => {
    const customer = await t.token({ sub: 'cust-1', accountId: 'acme', role: 'customer' });
    const created = await t.http('POST', '/api/conversations', { token: customer, body: { subject: 'Order 42', channelType: 'web' } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      id: expect.any(String),
      accountId: 'acme',
      contactId: 'cust-1',
      status: 'OPEN',
      assigneeId: null,
      subject: 'Order 42',
    });
    const forOther = await t.http('POST', '/api/conversations', { token: customer, body: { contactId: 'cust-2' } });
    expect(forOther.status).toBe(403);
    expect(forOther.body.error.code).toBe('FORBIDDEN');
  });

  it('lists for a customer only its own conversations, and for staff the tenant’s', async () => {
    const c1 = await t.token({ sub: 'list-c1', accountId: 'list', role: 'customer' });
    const c2 = await t.token({ sub: 'list-c2', accountId: 'list', role: 'customer' });
    const agent = await t.token({ sub: 'list-agent', accountId: 'list', role: 'agent' });
    const a = (await t.http('POST', '/api/conversations', { token: c1, body: {} })).body;
    const b = (await t.http('POST', '/api/conversations', { token: c2, body: {} })).body;
    expect((await t.http('GET', '/api/conversations', { token: c1 })).body.conversations.map((c: any) => c.id)).toEqual([a.id]);
    expect((await t.http('GET', `/api/conversations/${b.id}`, { token: c1 })).status).toBe(403);
    const all = (await t.http('GET', '/api/conversations', { token: agent })).body.conversations.map((c: any) => c.id);
    expect(all.sort()).toEqual([a.id, b.id].sort());
    expect((await t.http('GET', `/api/conversations/${a.id}`, { token: agent })).body.id).toBe(a.id);
  });

  it('stores messages posted over HTTP and pages them with after and limit', async () => {
    const customer = await t.token({ sub: 'm-cust', accountId: 'msgs', role: 'customer' });
    const agent = await t.token({ sub: 'm-agent', accountId: 'msgs', role: 'agent' });
    const conv = (await t.http('POST', '/api/conversations', { token: customer, body: {} })).body;
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const token = i % 2 ? agent : customer;
      const res = await t.http('POST', `/api/conversations/${conv.id}/messages`, { token, body: { content: `m${i}` } });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ content: `m${i}`, role: i % 2 ? 'HUMAN_AGENT' : 'USER', status: 'sent' });
      ids.push(res.body.id);
    }
    const first = (await t.http('GET', `/api/conversations/${conv.id}/messages?limit=2`, { token: agent })).body.messages;
    expect(first.map((m: any) => m.content)).toEqual(['m0', 'm1']);
    const rest = (await t.http('GET', `/api/conversations/${conv.id}/messages?after=${ids[1]}`, { token: customer })).body.messages;
    expect(rest.map((m: any) => m.content)).toEqual(['m2', 'm3', 'm4']);
  });

  it('refuses viewers, empty and oversized messages, and unknown conversations, storing nothing', async () => {
    const customer = await t.token({ sub: 'v-cust', accountId: 'views', role: 'customer' });
    const viewer = await t.token({ sub: 'v-viewer', accountId: 'views', role: 'viewer' });
    const conv = (await t.http('POST', '/api/conversations', { token: customer, body: {} })).body;
    expect(
      (await t.http('POST', `/api/conversations/${conv.id}/messages`, { token: viewer, body: { content: 'hi' } })).body.error.code,
    ).toBe('FORBIDDEN');
    expect(
      (await t.http('POST', `/api/conversations/${conv.id}/messages`, { token: customer, body: { content: '   ' } })).body.error.code,
    ).toBe('VALIDATION_FAILED');
    expect(
      (await t.http('POST', `/api/conversations/${conv.id}/messages`, { token: customer, body: { content: 'x'.repeat(10_001) } })).body
        .error.code,
    ).toBe('PAYLOAD_TOO_LARGE');
    expect((await t.http('POST', '/api/conversations/nope/messages', { token: customer, body: { content: 'x' } })).status).toBe(404);
    expect((await t.http('GET', `/api/conversations/${conv.id}/messages`, { token: viewer })).body.messages).toEqual([]);
  });

  it('requires a valid token, and never leaks internals in errors', async () => {
    expect((await t.http('GET', '/api/conversations')).body.error.code).toBe('MISSING_TOKEN');
    expect((await t.http('GET', '/api/conversations', { token: 'garbage' })).status).toBe(401);
    const bad = await fetch(t.url('/api/conversations'), {
      method: 'POST',
      headers: { authorization: `Bearer ${await t.token({ sub: 'x', accountId: 'acme' })}`, 'content-type': 'application/json' },
      body: '{"subject":',
    });
    const text = await bad.text();
    expect(bad.status).toBe(400);
    expect(text).not.toMatch(/at .*\.ts|SELECT|INSERT|stack/i);
  });

  it('serves health, readiness and Prometheus metrics; metrics only with the internal key, and no series names a tenant', async () => {
    expect((await t.http('GET', '/healthz')).status).toBe(200);
    expect((await t.http('GET', '/readyz')).body).toMatchObject({ status: 'ready', checks: { database: 'ok' } });
    const scrape = () => t.http('GET', '/metrics', { headers: { 'x-internal-api-key': INTERNAL_KEY } });
    const gauge = (text: string, name: string) => Number(new RegExp(`^${name} (\\d+)$`, 'm').exec(text)?.[1]);
    const before = (await scrape()).body as string;
    const tenants = ['metrics-tenant-a', 'metrics-tenant-b'];
    for (const accountId of tenants) await t.connect({ token: await t.token({ sub: 'metrics-user', accountId }) });
    await t.connectError({ token: 'bad' });
    // A session refused after authentication (a widget bound to no conversation of its own) is counted neither in nor out.
    const refused = await t
      .connect({
        token: await t.token({ sub: 'metrics-cust', accountId: tenants[0]!, role: 'customer' }),
        query: { tenantId: tenants[0]!, conversationId: 'nope' },
      })
      .catch((err: Error) => err);
    if (!(refused instanceof Error))
      await new Promise((resolve) => (refused.connected ? refused.once('disconnect', resolve) : resolve(null)));
    await t.http('POST', '/internal/emit', {
      headers: { 'x-internal-api-key': INTERNAL_KEY },
      body: { tenantId: tenants[0], event: 'metrics-probe-event', payload: {} },
    });

    for (const headers of [{}, { 'x-internal-api-key': 'wrong' }] as Array<Record<string, string>>) {
      const refused = await t.http('GET', '/metrics', { headers });
      expect(refused.status).toBe(401);
      expect(refused.body.error.code).toBe('AUTH_TOKEN_INVALID');
    }
    const res = await scrape();
    expect(res.status).toBe(200);
    const metrics = res.body as string;
    expect(gauge(metrics, 'switchboard_connections') - gauge(before, 'switchboard_connections')).toBe(2);
    expect(gauge(metrics, 'switchboard_connected_tenants') - gauge(before, 'switchboard_connected_tenants')).toBe(2);
    expect(metrics).toMatch(/switchboard_handshake_failures_total\{code="AUTH_TOKEN_INVALID"\} \d/);
    expect(metrics).toContain('nodejs_eventloop_lag_seconds');
    expect(metrics).toMatch(/switchboard_events_emitted_total\{event="custom"\} \d/);
    // Neither tenant ids nor names chosen by callers become labels.
    expect(metrics).not.toMatch(/account="|tenant="|metrics-tenant-|metrics-probe-event/);
  });
});
