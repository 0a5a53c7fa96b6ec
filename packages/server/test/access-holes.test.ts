import { SignJWT } from 'jose';
import { expect, it } from 'vitest';

import { uniqueAccountId } from './support/databases';
import { ask, nextEvent, record } from './support/events';
import { forEachServer, INTERNAL_KEY, SECRET } from './support/server';

forEachServer('small access holes (issue 11, item 13)', (t) => {
  const emitTo = (tenantId: string, room: string, event: string) =>
    t.http('POST', '/internal/emit', {
      headers: { 'x-internal-api-key': INTERNAL_KEY },
      body: { tenantId, room, event, payload: { room } },
    });

  it('token:update with other teamIds leaves the old team rooms and joins the new ones', async () => {
    const accountId = uniqueAccountId('teams');
    const claims = { sub: 'tm-agent', accountId, role: 'agent' as const };
    const agent = await t.connect({ token: await t.token({ ...claims, teamIds: ['t1', 't2'] }) });
    const seen = record(agent);
    const inT1 = nextEvent(agent, 'team_probe', (p) => p.room === 'team:t1');
    await emitTo(accountId, 'team:t1', 'team_probe');
    await inT1;

    const res = await ask(agent, 'token:update', { token: await t.token({ ...claims, teamIds: ['t2', 't3'] }, 7_200) });
    expect(res.ok).toBe(true);
    // Emitted in this order, heard in this order: when the last arrives, an earlier one would have too.
    const inT3 = nextEvent(agent, 'team_probe', (p) => p.room === 'team:t3');
    for (const team of ['t1', 't2', 't3']) expect((await emitTo(accountId, `team:${team}`, 'team_probe')).status).toBe(200);
    await inT3;
    expect(seen.filter((e) => e.event === 'team_probe').map((e) => e.payload.room)).toEqual(['team:t1', 'team:t2', 'team:t3']);
  });

  it('a viewer’s mark_read keeps its own read position but never moves the customer’s message to read', async () => {
    const accountId = uniqueAccountId('vread');
    const customerToken = await t.token({ sub: 'vr-cust', accountId, role: 'customer' });
    const conversationId = (await t.http('POST', '/api/conversations', { token: customerToken, body: {} })).body.id;
    const customer = await t.connect({ token: customerToken });
    const viewer = await t.connect({ token: await t.token({ sub: 'vr-viewer', accountId, role: 'viewer' }) });
    const agent = await t.connect({ token: await t.token({ sub: 'vr-agent', accountId, role: 'agent' }) });
    for (const s of [customer, viewer, agent]) expect((await ask(s, 'join_conversation', conversationId)).ok).toBe(true);
    const customerSeen = record(customer);
    const message = (await ask(customer, 'send_message', { conversationId, content: 'is anyone there?' })).data;

    const viewed = await ask(viewer, 'mark_read', { conversationId, messageId: message.id });
    expect(viewed).toMatchObject({ ok: true, data: { id: message.id, status: 'sent' } });
    expect((await ask(viewer, 'mark_delivered', { conversationId, messageId: message.id })).data.status).toBe('sent');
    const receipts = await t
      .sb()
      .services.db.query<{ status: string }>('SELECT status FROM message_statuses WHERE message_id = $1 AND user_id = $2 ORDER BY status', [
        message.id,
        'vr-viewer',
      ]);
    expect(receipts.map((r) => r.status)).toEqual(['delivered', 'read']);
    const stored = (await t.http('GET', `/api/conversations/${conversationId}/messages`, { token: customerToken })).body.messages;
    expect(stored.find((m: any) => m.id === message.id).status).toBe('sent');

    // The agent's reading is what the customer is shown.
    const read = nextEvent(customer, 'message_status', (p) => p.messageId === message.id && p.status === 'read');
    await ask(agent, 'mark_read', { conversationId, messageId: message.id });
    expect((await read).userId).toBe('vr-agent');
    // A barrier the customer hears after anything the server sent it before: then no status can still be on its way.
    const barrier = nextEvent(customer, 'new_message', (p) => p.message?.content === 'barrier');
    await ask(agent, 'send_message', { conversationId, content: 'barrier' });
    await barrier;
    expect(customerSeen.filter((e) => e.event === 'message_status').map((e) => [e.payload.status, e.payload.userId])).toEqual([
      ['read', 'vr-agent'],
    ]);
  });

  it('refuses a token without a role claim, at the handshake and over HTTP', async () => {
    const roleless = await new SignJWT({ accountId: 'acme', teamIds: [] })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('no-role')
      .setExpirationTime('1h')
      .sign(new TextEncoder().encode(SECRET));
    const err = await t.connectError({ token: roleless });
    expect(err.message).toBe('AUTH_TOKEN_INVALID');
    expect(err.data?.code).toBe('AUTH_TOKEN_INVALID');
    const res = await t.http('GET', '/api/conversations', { token: roleless });
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('AUTH_TOKEN_INVALID');
  });

  it('GET /api/conversations registers the caller as a user of its tenant, as the other routes do', async () => {
    const accountId = uniqueAccountId('reg');
    const agentToken = await t.token({ sub: 'reg-agent', accountId, role: 'agent' });
    const admin = await t.token({ sub: 'reg-admin', accountId, role: 'admin' });
    const conversation = (await t.http('POST', '/api/conversations', { token: admin, body: { contactId: 'reg-cust' } })).body;
    // The agent's only request so far: after it, the agent is someone a conversation can be assigned to.
    expect((await t.http('GET', '/api/conversations', { token: agentToken })).status).toBe(200);
    const adminSocket = await t.connect({ token: admin });
    const assigned = await ask(adminSocket, 'assign_conversation', { conversationId: conversation.id, agentId: 'reg-agent' });
    expect(assigned).toMatchObject({ ok: true, data: { assigneeId: 'reg-agent' } });
  });
});

forEachServer(
  'demo tokens',
  (t) => {
    const demoTokens = (remoteAddress: string, headers: Record<string, string> = {}) =>
      // Fastify's inject runs a real request through the whole app, from the peer address given.
      t.sb().app.inject({ method: 'GET', url: '/api/dev/demo-tokens', remoteAddress, headers });

    it('are served to loopback clients only, and never through a proxy', async () => {
      const local = await t.http('GET', '/api/dev/demo-tokens');
      expect(local.status).toBe(200);
      expect(local.body.tokens.length).toBeGreaterThan(0);
      for (const address of ['127.0.0.1', '::1', '::ffff:127.0.0.1']) expect((await demoTokens(address)).statusCode, address).toBe(200);
      for (const address of ['10.0.0.7', '192.168.1.20', '203.0.113.9', '::ffff:10.0.0.7', 'fe80::1', '2001:db8::1']) {
        const res = await demoTokens(address);
        expect(res.statusCode, address).toBe(403);
        expect(res.json().error.code).toBe('FORBIDDEN');
        expect(res.body).not.toContain('eyJ');
      }
      // A proxy on this machine connects over loopback; what it forwards is someone else's request.
      for (const headers of [
        { 'x-forwarded-for': '203.0.113.9' },
        { forwarded: 'for=203.0.113.9' },
        { 'x-real-ip': '203.0.113.9' },
      ] as Array<Record<string, string>>) {
        expect((await demoTokens('127.0.0.1', headers)).statusCode).toBe(403);
      }
    });
  },
  { demo: true },
);
