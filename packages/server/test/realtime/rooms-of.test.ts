import { expect, it } from 'vitest';

import { roomName } from '../../src/realtime/delivery';
import { roomsOf, viewerOf } from '../../src/realtime/viewer-receives';
import { namespaceClients } from '../namespaces/namespace-clients';
import { uniqueAccountId } from '../support/databases';
import { ask, nextEvent, record } from '../support/events';
import { forEachServer, INTERNAL_KEY, type ServerContext } from '../support/server';

/** The rooms the server put a user's socket on `ns` in, apart from the socket's own. */
function serverRooms(t: ServerContext, ns: string, userId: string) {
  const socket = [...t.sb().io.of(ns).sockets.values()].find((s) => s.data.userId === userId);
  if (!socket) throw new Error(`no socket of ${userId} on ${ns}`);
  const joined = [...socket.rooms].filter((r) => r !== socket.id).sort();
  const surface = ns === '/' ? ({ ns: '/', dialect: socket.data.dialect } as const) : ({ ns } as { ns: '/tickets' });
  const expected = roomsOf(viewerOf(socket))
    .map((r) => roomName(socket.data.accountId, r, surface))
    .sort();
  return { joined, expected };
}

forEachServer('the rooms of a viewer', (t) => {
  const ns = namespaceClients(t);

  it('joins a socket to exactly the rooms roomsOf names, on / and on a named namespace', async () => {
    const accountId = uniqueAccountId('rooms');
    const agent = { sub: `${accountId}-agent`, accountId, role: 'agent' as const, teamIds: ['t1', 't2'] };
    const customer = { sub: `${accountId}-cust`, accountId, role: 'customer' as const, teamIds: ['t1'] };
    await t.connect({ token: await t.token(agent) });
    await t.connect({ token: await t.token(customer), auth: { dialect: 'portal' } });
    await ns.open('tickets', agent);

    const onDefault = serverRooms(t, '/', agent.sub);
    expect(onDefault.joined).toEqual(onDefault.expected);
    expect(onDefault.joined).toContain(`default|tenant:${accountId}:team:t2`);
    const customerRooms = serverRooms(t, '/', customer.sub);
    expect(customerRooms.joined).toEqual(customerRooms.expected);
    expect(customerRooms.joined.some((r) => r.includes(':team:'))).toBe(false);
    const onTickets = serverRooms(t, '/tickets', agent.sub);
    expect(onTickets.joined).toEqual(onTickets.expected);
  });

  it('follows a token:update that changes a staff member’s teams, joining and leaving exactly as roomsOf says', async () => {
    const accountId = uniqueAccountId('follow');
    const agent = { sub: `${accountId}-agent`, accountId, role: 'agent' as const };
    const socket = await t.connect({ token: await t.token({ ...agent, teamIds: ['t1'] }) });
    expect((await ask(socket, 'token:update', { token: await t.token({ ...agent, teamIds: ['t2'] }) })).ok).toBe(true);
    const rooms = serverRooms(t, '/', agent.sub);
    expect(rooms.joined).toEqual(rooms.expected);
    expect(rooms.joined).toContain(`default|tenant:${accountId}:team:t2`);
    expect(rooms.joined).not.toContain(`default|tenant:${accountId}:team:t1`);
  });

  it('a customer whose token names a team hears nothing sent to the team: not live, not by replay, not by polling', async () => {
    const accountId = uniqueAccountId('teamroom');
    const agentToken = await t.token({ sub: `${accountId}-agent`, accountId, role: 'agent', teamIds: ['t1'] });
    const customerToken = await t.token({ sub: `${accountId}-cust`, accountId, role: 'customer', teamIds: ['t1'] });
    const agent = await t.connect({ token: agentToken });
    const customer = await t.connect({ token: customerToken });
    const heardLive = record(customer);

    const agentHeard = nextEvent(agent, 'team_report');
    const emitted = await t.http('POST', '/internal/emit', {
      headers: { 'x-internal-api-key': INTERNAL_KEY },
      body: { tenantId: accountId, room: 'team:t1', event: 'team_report', payload: { n: 1 } },
    });
    expect(emitted.status).toBe(200);
    expect((await agentHeard).n).toBe(1);
    // A tenant-wide event after it, which the customer does hear: once it is here, the team's would be too.
    const barrier = nextEvent(customer, 'tenant_note');
    await t.http('POST', '/internal/emit', {
      headers: { 'x-internal-api-key': INTERNAL_KEY },
      body: { tenantId: accountId, event: 'tenant_note', payload: {} },
    });
    await barrier;
    expect(heardLive.map((e) => e.event)).not.toContain('team_report');

    const polledBy = async (token: string) =>
      ((await t.http('GET', '/api/updates?since=0', { token })).body.events as Array<{ deliveries: Array<{ event: string }> }>).flatMap(
        (e) => e.deliveries.map((d) => d.event),
      );
    expect(await polledBy(agentToken)).toContain('team_report');
    expect(await polledBy(customerToken)).toEqual(['tenant_note']);

    const replayed = await t.connect({ token: customerToken });
    const replayLog = record(replayed);
    const done = nextEvent(replayed, 'sync_complete');
    expect((await ask(replayed, 'sync', { since: 0 })).ok).toBe(true);
    await done;
    expect(replayLog.map((e) => e.event)).toContain('tenant_note');
    expect(replayLog.map((e) => e.event)).not.toContain('team_report');
  });

  for (const [dialect, messageEvent] of [
    ['default', 'new_message'],
    ['portal', 'message:new'],
  ] as const) {
    it(`leaving a conversation leaves its room in the socket’s own vocabulary (${dialect}), and nothing more of it is heard`, async () => {
      const accountId = uniqueAccountId(`leave${dialect}`);
      const customerToken = await t.token({ sub: `${accountId}-cust`, accountId, role: 'customer' });
      const conv = await t.http('POST', '/api/conversations', { token: customerToken, body: { subject: 'leave' } });
      const conversationId = conv.body.id as string;
      const customer = await t.connect({ token: customerToken, auth: { dialect } });
      const agent = await t.connect({ token: await t.token({ sub: `${accountId}-agent`, accountId, role: 'agent' }) });
      expect((await ask(customer, 'join_conversation', conversationId)).ok).toBe(true);
      const room = `${dialect}|tenant:${accountId}:conversation:${conversationId}`;
      expect(serverRooms(t, '/', `${accountId}-cust`).joined).toContain(room);

      expect((await ask(customer, 'leave_conversation', { conversationId })).ok).toBe(true);
      expect(serverRooms(t, '/', `${accountId}-cust`).joined).not.toContain(room);
      const heard = record(customer);
      expect((await ask(agent, 'send_message', { conversationId, content: 'after the leave' })).ok).toBe(true);
      const barrier = nextEvent(customer, 'after_the_message');
      await t.http('POST', '/internal/emit', {
        headers: { 'x-internal-api-key': INTERNAL_KEY },
        body: { tenantId: accountId, event: 'after_the_message', payload: {} },
      });
      await barrier;
      expect(heard.map((e) => e.event)).not.toContain(messageEvent);
    });
  }
});
