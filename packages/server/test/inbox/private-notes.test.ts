import { io } from 'socket.io-client';
import { expect, it } from 'vitest';

import { ask, nextEvent, record } from '../support/events';
import { forEachServer } from '../support/server';
import { openSse } from '../support/sse';

const SECRET_NOTE = 'customer seems angry, offer refund zq7';

forEachServer('private notes reach staff and never a customer', (t) => {
  it('a note is live, listed and replayed for staff, and on no customer surface at all', async () => {
    const account = 'notes-a';
    const customer = await t.token({ sub: 'n-cust', accountId: account, role: 'customer', name: 'Maria Garcia' });
    const agent = await t.token({ sub: 'n-agent', accountId: account, role: 'agent' });
    const viewer = await t.token({ sub: 'n-viewer', accountId: account, role: 'viewer' });
    const conv = (await t.http('POST', '/api/conversations', { token: customer, body: {} })).body;
    await t.http('POST', `/api/conversations/${conv.id}/messages`, { token: customer, body: { content: 'hello' } });
    const before = (await t.http('GET', '/api/updates?since=0', { token: customer })).body.lastSeq;

    // Every customer-facing surface, joined to the conversation, recording everything it hears.
    const plain = await t.connect({ token: customer });
    const portal = await t.connect({ token: customer, auth: { dialect: 'portal' } });
    const byQuery = await t.connect({ token: customer, query: { tenantId: account, conversationId: conv.id } });
    const byNamespace = await t.connect({ token: customer, namespace: `/tenant/${account}/conv/${conv.id}` });
    // 001's namespaces send no `authenticated`: their rooms are joined before `connect`.
    const chat = io(t.url('/chat'), { transports: ['websocket'], forceNew: true, reconnection: false, auth: { token: customer } });
    await new Promise((resolve, reject) => chat.once('connect', () => resolve(null)).once('connect_error', reject));
    for (const s of [plain, portal]) expect((await ask(s, 'join_conversation', conv.id)).ok).toBe(true);
    expect((await ask(chat, 'chat:join', { conversationId: conv.id })).ok).toBe(true);
    const customerSockets = [plain, portal, byQuery, byNamespace, chat];
    const heard = customerSockets.map((s) => record(s));
    const sse = await openSse(t.url(`/api/conversations/${conv.id}/stream`), customer);
    expect(sse.status).toBe(200);

    // Staff, as a positive control: the same test fails if notes reach nobody.
    const staffSocket = await t.connect({ token: agent });
    const staffPortal = await t.connect({ token: viewer, auth: { dialect: 'portal' } });
    const live = nextEvent(staffSocket, 'note_created');
    const livePortal = nextEvent(staffPortal, 'note_created');

    const written = await t.http('POST', `/api/conversations/${conv.id}/notes`, { token: agent, body: { content: SECRET_NOTE } });
    expect(written.status).toBe(201);
    expect(written.body).toMatchObject({ conversationId: conv.id, authorId: 'n-agent', content: SECRET_NOTE });
    expect((await live).note.id).toBe(written.body.id);
    expect((await livePortal).note.content).toBe(SECRET_NOTE);

    // A barrier every customer surface does hear: once it has arrived, anything sent before it has too.
    const isBarrier = (p: any) => JSON.stringify(p).includes('"barrier"');
    const arrived = Promise.all([
      nextEvent(plain, 'new_message', isBarrier),
      nextEvent(portal, 'message:new', isBarrier),
      nextEvent(byQuery, 'outbound_message', isBarrier),
      nextEvent(byNamespace, 'outbound_message', isBarrier),
      nextEvent(chat, 'chat:message', isBarrier),
    ]);
    const barrier = (await t.http('POST', `/api/conversations/${conv.id}/messages`, { token: agent, body: { content: 'barrier' } })).body;
    await arrived;
    for (const log of heard) {
      expect(log.length).toBeGreaterThan(0);
      expect(JSON.stringify(log)).not.toContain(SECRET_NOTE);
      expect(log.some((e) => e.event.includes('note'))).toBe(false);
    }

    // Replay on reconnect (sync), the HTTP catch-up, history, previews, notes and search.
    // A socket that reconnects later and asks for everything since before the note.
    const late = await t.connect({ token: customer });
    const replayed = record(late);
    const lateSynced = nextEvent(late, 'sync_complete');
    await ask(late, 'sync', { since: before });
    await lateSynced;
    expect(replayed.some((e) => e.payload?.id === barrier.id || e.payload?.message?.id === barrier.id)).toBe(true);
    expect(JSON.stringify(replayed)).not.toContain(SECRET_NOTE);
    const updates = await t.http('GET', `/api/updates?since=${before}`, { token: customer });
    expect(JSON.stringify(updates.body)).toContain('barrier');
    expect(JSON.stringify(updates.body)).not.toContain(SECRET_NOTE);
    const history = await t.http('GET', `/api/conversations/${conv.id}/messages`, { token: customer });
    expect(history.body.messages.map((m: any) => m.content)).toEqual(['hello', 'barrier']);
    expect(JSON.stringify((await t.http('GET', `/api/conversations/${conv.id}`, { token: customer })).body)).not.toContain(SECRET_NOTE);
    expect(JSON.stringify((await t.http('GET', '/api/conversations', { token: customer })).body)).not.toContain(SECRET_NOTE);
    expect((await t.http('GET', `/api/conversations/${conv.id}/notes`, { token: customer })).status).toBe(403);
    expect((await t.http('POST', `/api/conversations/${conv.id}/notes`, { token: customer, body: { content: 'x' } })).status).toBe(403);
    sse.close();
    chat.disconnect();
    expect(JSON.stringify(sse.events)).not.toContain(SECRET_NOTE);

    // Staff read it back, and catch up on it in replay and /api/updates.
    expect((await t.http('GET', `/api/conversations/${conv.id}/notes`, { token: viewer })).body.notes.map((n: any) => n.content)).toEqual([
      SECRET_NOTE,
    ]);
    expect(JSON.stringify((await t.http('GET', `/api/updates?since=${before}`, { token: agent })).body)).toContain(SECRET_NOTE);
    const staffLate = await t.connect({ token: agent });
    const staffReplay = record(staffLate);
    const staffSynced = nextEvent(staffLate, 'sync_complete');
    await ask(staffLate, 'sync', { since: before });
    await staffSynced;
    expect(staffReplay.filter((e) => e.event === 'note_created').map((e) => e.payload.note.id)).toEqual([written.body.id]);
  });

  it('refuses viewers and other tenants, and keeps notes out of previews, unread counts and search', async () => {
    const customer = await t.token({ sub: 'n2-cust', accountId: 'notes-b', role: 'customer' });
    const agent = await t.token({ sub: 'n2-agent', accountId: 'notes-b', role: 'agent' });
    const other = await t.token({ sub: 'n2-agent', accountId: 'notes-c', role: 'admin' });
    const viewer = await t.token({ sub: 'n2-viewer', accountId: 'notes-b', role: 'viewer' });
    const conv = (await t.http('POST', '/api/conversations', { token: customer, body: {} })).body;
    await t.http('POST', `/api/conversations/${conv.id}/messages`, { token: customer, body: { content: 'first' } });
    expect((await t.http('POST', `/api/conversations/${conv.id}/notes`, { token: viewer, body: { content: 'v' } })).status).toBe(403);
    expect((await t.http('POST', `/api/conversations/${conv.id}/notes`, { token: other, body: { content: 'o' } })).status).toBe(404);
    expect((await t.http('GET', `/api/conversations/${conv.id}/notes`, { token: other })).status).toBe(404);
    expect((await t.http('POST', `/api/conversations/${conv.id}/notes`, { token: agent, body: { content: '  ' } })).body.error.code).toBe(
      'VALIDATION_FAILED',
    );
    await t.http('POST', `/api/conversations/${conv.id}/notes`, { token: agent, body: { content: 'vip account xq9' } });
    const seen = (await t.http('GET', `/api/conversations/${conv.id}`, { token: customer })).body;
    expect(seen.lastMessage.content).toBe('first');
    expect(seen.unreadCount).toBe(0);
    expect((await t.http('GET', '/api/search?q=xq9', { token: agent })).body.hits).toEqual([]);
  });
});
