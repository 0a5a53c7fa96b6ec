import { expect, it } from 'vitest';

import { ask, nextEvent } from './support/events';
import { forEachServer, INTERNAL_KEY } from './support/server';

forEachServer('POST /internal/emit', (t) => {
  it('is refused without the internal key, and with a wrong one', async () => {
    const body = { tenantId: 'acme', event: 'hello', payload: {} };
    expect((await t.http('POST', '/internal/emit', { body })).status).toBe(401);
    expect((await t.http('POST', '/internal/emit', { body, headers: { 'x-internal-api-key': 'nope' } })).status).toBe(401);
  });

  it('emits to the tenant room with the key, in every vocabulary, with seq and eventId', async () => {
    const token = await t.token({ sub: 'u1', accountId: 'acme' });
    const plain = await t.connect({ token });
    const portal = await t.connect({ token, auth: { dialect: 'portal' } });
    const got = Promise.all([nextEvent(plain, 'report_ready'), nextEvent(portal, 'report_ready')]);
    const res = await t.http('POST', '/internal/emit', {
      headers: { 'x-internal-api-key': INTERNAL_KEY },
      body: { tenantId: 'acme', event: 'report_ready', payload: { id: 'r1' } },
    });
    expect(res).toEqual({ status: 200, body: { ok: true } });
    for (const p of await got) expect(p).toMatchObject({ id: 'r1', seq: expect.any(Number), eventId: expect.any(String) });
  });

  it("emits to 003's conversation room by conversationId, and to a seed's room name", async () => {
    const customer = await t.token({ sub: 'c1', accountId: 'acme', role: 'customer' });
    const conv = (await t.http('POST', '/api/conversations', { token: customer, body: {} })).body;
    const widget = await t.connect({ token: customer, query: { tenantId: 'acme', conversationId: conv.id } });
    const first = nextEvent(widget, 'status_update');
    await t.http('POST', '/internal/emit', {
      headers: { 'x-internal-api-key': INTERNAL_KEY },
      body: { tenantId: 'acme', conversationId: conv.id, event: 'status_update', payload: { messageId: 'm1', status: 'delivered' } },
    });
    expect(await first).toMatchObject({ messageId: 'm1', status: 'delivered' });
    const second = nextEvent(widget, 'custom_ping');
    await t.http('POST', '/internal/emit', {
      headers: { 'x-internal-api-key': INTERNAL_KEY },
      body: { tenantId: 'acme', room: `tenant:acme:conv:${conv.id}`, event: 'custom_ping', payload: {} },
    });
    await second;
  });

  it('answers ROOM_NOT_FOUND for an unknown room or another tenant’s conversation', async () => {
    const headers = { 'x-internal-api-key': INTERNAL_KEY };
    const unknown = await t.http('POST', '/internal/emit', {
      headers,
      body: { tenantId: 'acme', room: 'nowhere:1', event: 'x', payload: {} },
    });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('ROOM_NOT_FOUND');
    const other = await t.http('POST', '/internal/emit', {
      headers,
      body: { tenantId: 'acme', room: 'ws:globex', event: 'x', payload: {} },
    });
    expect(other.body.error.code).toBe('ROOM_NOT_FOUND');
    const bad = await t.http('POST', '/internal/emit', { headers, body: { tenantId: 'acme', event: 'connect', payload: {} } });
    expect(bad.body.error.code).toBe('VALIDATION_FAILED');
  });

  it('keeps serving other sockets after bad input, and answers oversized payloads with PAYLOAD_TOO_LARGE', async () => {
    const socket = await t.connect({ token: await t.token({ sub: 'u1', accountId: 'acme' }) });
    const big = await ask(socket, 'send_message', { conversationId: 'c1', content: 'x'.repeat(100_000) });
    expect(big.error?.code).toBe('PAYLOAD_TOO_LARGE');
    const wrongType = await ask(socket, 'send_message', { conversationId: 42, content: 'x' });
    expect(wrongType.error?.code).toBe('VALIDATION_FAILED');
    const error = nextEvent(socket, 'error');
    socket.emit('typing_start', { nope: true });
    expect((await error).code).toBe('VALIDATION_FAILED');
    expect((await ask(socket, 'ping', { timestamp: 1 })).ok).toBe(true);
  });
});
