import { chatClient, ticketsClient as C, ticketsServer as S } from '@switchboard/protocol';
import { expect, it } from 'vitest';

import { ask, nextEvent, record, roundTrip } from '../support/events';
import { forEachServer } from '../support/server';
import { namespaceClients, tenant } from './namespace-clients';

forEachServer('/tickets namespace', (t) => {
  const clients = namespaceClients(t);
  const post = async (who: Parameters<typeof t.token>[0], path: string, body: unknown) =>
    t.http('POST', path, { token: await t.token(who), body });
  const patch = async (who: Parameters<typeof t.token>[0], path: string, body: unknown) =>
    t.http('PATCH', path, { token: await t.token(who), body });

  it('tells every staff socket of the tenant about a ticket created over HTTP, and nobody in another tenant', async () => {
    const a = tenant();
    const b = tenant();
    const agent = a.person('agent-1', 'agent');
    const viewer = clients.open('tickets', a.person('viewer-1', 'viewer'));
    const [agentSocket, viewerSocket, otherSocket] = await Promise.all([
      clients.open('tickets', agent),
      viewer,
      clients.open('tickets', b.person('agent-1', 'agent')),
    ]);
    const elsewhere = record(otherSocket);

    const heardByAgent = nextEvent(agentSocket, S['ticket:created'].name);
    const heardByViewer = nextEvent(viewerSocket, S['ticket:created'].name);
    const res = await post(agent, '/api/tickets', { subject: 'Printer on fire', priority: 'high', teamId: 'ops' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      accountId: a.accountId,
      subject: 'Printer on fire',
      status: 'open',
      priority: 'high',
      teamId: 'ops',
      assigneeId: null,
    });
    expect(res.body.slaResolutionDueAt).toEqual(expect.any(String));
    expect(await heardByAgent).toMatchObject({ id: res.body.id, subject: 'Printer on fire', seq: expect.any(Number) });
    expect((await heardByViewer).id).toBe(res.body.id);
    await roundTrip(otherSocket, C['ticket:subscribe'], { ticketId: res.body.id });
    expect(elsewhere).toEqual([]);
  });

  it('refuses customers at the handshake and lets only agents and admins write tickets', async () => {
    const a = tenant();
    const refused = await clients.refused('tickets', a.person('cust-1', 'customer'));
    expect(refused.message).toBe('FORBIDDEN');
    expect(refused.data).toMatchObject({ code: 'FORBIDDEN' });
    for (const role of ['viewer', 'customer'] as const) {
      const res = await post(a.person(`${role}-1`, role), '/api/tickets', { subject: 'nope' });
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe('FORBIDDEN');
    }
    expect((await post(a.person('agent-1', 'agent'), '/api/tickets', { subject: '' })).body.error.code).toBe('VALIDATION_FAILED');
  });

  it('acks ticket:subscribe with the ticket, answers ticket:subscribed, and treats unknown or foreign tickets as rooms that do not exist', async () => {
    const a = tenant();
    const b = tenant();
    const agent = a.person('agent-1', 'agent');
    const created = (await post(agent, '/api/tickets', { subject: 'Mine' })).body;
    const socket = await clients.open('tickets', agent);
    const subscribed = nextEvent(socket, S['ticket:subscribed'].name);
    const ack = await ask(socket, C['ticket:subscribe'].name, { ticketId: created.id });
    expect(ack).toMatchObject({ ok: true, data: { id: created.id, subject: 'Mine' } });
    expect(await subscribed).toEqual({ ticketId: created.id });

    const foreign = await clients.open('tickets', b.person('agent-1', 'agent'));
    expect((await ask(foreign, C['ticket:subscribe'].name, { ticketId: created.id })).error?.code).toBe('ROOM_NOT_FOUND');
    expect((await ask(socket, C['ticket:subscribe'].name, { ticketId: 'no-such-ticket' })).error?.code).toBe('ROOM_NOT_FOUND');
    expect((await ask(socket, C['ticket:subscribe'].name, { ticketId: '../etc' })).error?.code).toBe('VALIDATION_FAILED');
    const viaHttp = await t.http('GET', `/api/tickets/${created.id}`, { token: await t.token(b.person('agent-1', 'agent')) });
    expect(viaHttp.status).toBe(404);
  });

  it('announces a status change as ticket:updated and ticket:status naming who changed it, and rejects an invalid status', async () => {
    const a = tenant();
    const agent = a.person('agent-1', 'agent', { name: 'Ann' });
    const created = (await post(agent, '/api/tickets', { subject: 'Status' })).body;
    const socket = await clients.open('tickets', a.person('viewer-1', 'viewer'));
    const updated = nextEvent(socket, S['ticket:updated'].name);
    const status = nextEvent(socket, S['ticket:status'].name);
    const res = await patch(agent, `/api/tickets/${created.id}`, { status: 'pending', priority: 'urgent' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'pending', priority: 'urgent' });
    expect(await updated).toMatchObject({ ticketId: created.id, ticket: { status: 'pending' }, updatedBy: 'agent-1' });
    expect((await updated).changes).toEqual(expect.arrayContaining(['status', 'priority', 'slaResolutionDueAt']));
    expect(await status).toMatchObject({
      ticketId: created.id,
      status: 'pending',
      previousStatus: 'open',
      by: { id: 'agent-1', name: 'Ann', role: 'agent' },
    });

    const bad = await patch(agent, `/api/tickets/${created.id}`, { status: 'exploded' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('VALIDATION_FAILED');
    expect((await patch(a.person('viewer-1', 'viewer'), `/api/tickets/${created.id}`, { status: 'open' })).status).toBe(403);
  });

  it('sends ticket:assigned with the agent to the assignee, and refuses assignees who are not agents of the tenant', async () => {
    const a = tenant();
    const b = tenant();
    const admin = a.person('admin-1', 'admin');
    const assignee = a.person('agent-2', 'agent', { name: 'Bob' });
    await clients.open('tickets', b.person('agent-9', 'agent'));
    const bobSocket = await clients.open('tickets', assignee);
    const created = (await post(admin, '/api/tickets', { subject: 'Assign me' })).body;

    const assigned = nextEvent(bobSocket, S['ticket:assigned'].name);
    const res = await post(admin, `/api/tickets/${created.id}/assign`, { assigneeId: 'agent-2' });
    expect(res.status).toBe(200);
    expect(res.body.assigneeId).toBe('agent-2');
    expect(await assigned).toMatchObject({
      ticket: { id: created.id, assigneeId: 'agent-2' },
      agent: { id: 'agent-2', name: 'Bob', role: 'agent' },
      assignedBy: 'admin-1',
    });

    expect((await post(admin, `/api/tickets/${created.id}/assign`, { assigneeId: 'agent-9' })).body.error.code).toBe('NOT_FOUND');
    expect((await post(admin, `/api/tickets/${created.id}/assign`, { assigneeId: 'ghost' })).status).toBe(404);
    const unassigned = nextEvent(bobSocket, S['ticket:assigned'].name, (p) => p.agent === null);
    expect((await post(admin, `/api/tickets/${created.id}/assign`, { assigneeId: null })).body.assigneeId).toBeNull();
    expect((await unassigned).ticket.assigneeId).toBeNull();
    const listed = await t.http('GET', '/api/tickets?assigneeId=agent-2', { token: await t.token(admin) });
    expect(listed.body.tickets).toEqual([]);
  });

  it('passes messages of the wrapped conversation to ticket subscribers as ticket:message, stored once', async () => {
    const a = tenant();
    const agent = a.person('agent-1', 'agent');
    const customer = a.person('cust-1', 'customer');
    const conversation = (await post(customer, '/api/conversations', { subject: 'Help' })).body;
    const ticket = (await post(agent, '/api/tickets', { subject: 'Help', conversationId: conversation.id })).body;
    expect(ticket.conversationId).toBe(conversation.id);
    expect(ticket.slaFirstResponseDueAt).toEqual(expect.any(String));

    const follower = await clients.open('tickets', agent);
    const bystander = await clients.open('tickets', a.person('agent-2', 'agent'));
    const unrelated = record(bystander);
    await ask(follower, C['ticket:subscribe'].name, { ticketId: ticket.id });
    const chat = await clients.open('chat', customer);
    const heard = nextEvent(follower, S['ticket:message'].name);
    const sent = await ask(chat, chatClient['chat:message'].name, {
      conversationId: conversation.id,
      content: 'It broke again',
      type: 'text',
    });
    expect(sent.ok).toBe(true);
    expect(await heard).toMatchObject({ id: sent.data.id, ticketId: ticket.id, content: 'It broke again', role: 'USER' });
    const stored = await t.http('GET', `/api/conversations/${conversation.id}/messages`, { token: await t.token(agent) });
    expect(stored.body.messages.map((m: { id: string }) => m.id)).toEqual([sent.data.id]);
    await roundTrip(bystander, C['ticket:unsubscribe'], { ticketId: ticket.id });
    expect(unrelated.filter((e) => e.event === S['ticket:message'].name)).toEqual([]);
  });

  it('relays ticket:typing and ticket:stopTyping to other subscribers only, and not to viewers typing', async () => {
    const a = tenant();
    const agent = a.person('agent-1', 'agent', { name: 'Ann' });
    const ticket = (await post(agent, '/api/tickets', { subject: 'Typing' })).body;
    const [typist, watcher, viewer] = await Promise.all([
      clients.open('tickets', agent),
      clients.open('tickets', a.person('agent-2', 'agent')),
      clients.open('tickets', a.person('viewer-1', 'viewer')),
    ]);
    for (const s of [typist, watcher, viewer]) await ask(s, C['ticket:subscribe'].name, { ticketId: ticket.id });
    const own = record(typist);

    const typing = nextEvent(watcher, S['ticket:typing'].name);
    expect((await ask(typist, C['ticket:typing'].name, { ticketId: ticket.id })).ok).toBe(true);
    expect(await typing).toEqual({ ticketId: ticket.id, user: { id: 'agent-1', name: 'Ann', email: agent.email, role: 'agent' } });
    const stopped = nextEvent(watcher, S['ticket:stopTyping'].name);
    await ask(typist, C['ticket:stopTyping'].name, { ticketId: ticket.id });
    expect(await stopped).toEqual({ ticketId: ticket.id, userId: 'agent-1' });
    expect(own.filter((e) => e.event.startsWith('ticket:'))).toEqual([]);

    expect((await ask(viewer, C['ticket:typing'].name, { ticketId: ticket.id })).error?.code).toBe('FORBIDDEN');
    expect((await ask(typist, C['ticket:typing'].name, { ticketId: 'missing' })).error?.code).toBe('ROOM_NOT_FOUND');

    await ask(watcher, C['ticket:unsubscribe'].name, { ticketId: ticket.id });
    const after = record(watcher);
    // The viewer, still subscribed, hears it: by then it went to every subscriber, and the round trip shows the watcher's share.
    const viewerHeard = nextEvent(viewer, S['ticket:typing']);
    await ask(typist, C['ticket:typing'].name, { ticketId: ticket.id });
    await viewerHeard;
    await roundTrip(watcher, C['ticket:unsubscribe'], { ticketId: ticket.id });
    expect(after).toEqual([]);
  });
});
