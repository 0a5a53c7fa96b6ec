import { defaultClient, notificationsClient as C, notificationsServer as S } from '@switchboard/protocol';
import type { Socket as ClientSocket } from 'socket.io-client';
import { expect, it } from 'vitest';

import { ask, nextEvent, record, roundTrip } from '../support/events';
import { forEachServer } from '../support/server';
import { namespaceClients, type Person, tenant } from './namespace-clients';

forEachServer('/notifications namespace', (t) => {
  const clients = namespaceClients(t);
  const post = async (who: Person, path: string, body: unknown) => (await t.http('POST', path, { token: await t.token(who), body })).body;
  /** Opens /notifications and resolves once the unread count sent on connect has arrived. */
  const openInbox = async (who: Person): Promise<{ socket: ClientSocket; unread: number }> => {
    let first: Promise<{ unread: number }> | undefined;
    const socket = await clients.open('notifications', who, (s) => {
      first = nextEvent(s, S['notification:count'].name);
    });
    return { socket, unread: (await first!).unread };
  };

  it('sends the unread count on connect, then a notification and the new count when a ticket is assigned to you', async () => {
    const a = tenant();
    const admin = a.person('admin-1', 'admin');
    const bob = a.person('agent-2', 'agent', { name: 'Bob' });
    const inbox = await openInbox(bob);
    expect(inbox.unread).toBe(0);

    const note = nextEvent(inbox.socket, S.notification.name);
    const count = nextEvent(inbox.socket, S['notification:count'].name);
    const ticket = await post(admin, '/api/tickets', { subject: 'VPN down', assigneeId: 'agent-2' });
    expect(await note).toMatchObject({
      userId: 'agent-2',
      kind: 'assigned',
      title: expect.any(String),
      message: 'VPN down',
      data: { ticketId: ticket.id },
      readAt: null,
    });
    expect((await count).unread).toBe(1);

    // Taking a ticket oneself notifies nobody: the next assignment by someone else is the only notification.
    const self = record(inbox.socket);
    await post(bob, '/api/tickets', { subject: 'Mine', assigneeId: 'agent-2' });
    const yours = nextEvent(inbox.socket, S.notification, (n) => n.message === 'Yours');
    await post(admin, '/api/tickets', { subject: 'Yours', assigneeId: 'agent-2' });
    await yours;
    expect(self.filter((e) => e.event === S.notification.name).map((e) => e.payload.message)).toEqual(['Yours']);
  });

  it('keeps two tabs of one user in step on markRead and markAllRead', async () => {
    const a = tenant();
    const admin = a.person('admin-1', 'admin');
    const bob = a.person('agent-2', 'agent');
    const tab1 = await openInbox(bob);
    const tab2 = await openInbox(bob);
    const arrived = nextEvent(tab2.socket, S['notification:count'].name, (c) => c.unread === 3);
    for (const subject of ['one', 'two', 'three']) await post(admin, '/api/tickets', { subject, assigneeId: 'agent-2' });
    await arrived;
    const rows = await t
      .sb()
      .services.db.query<{ id: string }>('SELECT id FROM notifications WHERE account_id = $1 ORDER BY created_at', [a.accountId]);

    const readOnOther = nextEvent(tab2.socket, S['notification:read'].name);
    const countOnOther = nextEvent(tab2.socket, S['notification:count'].name);
    expect(await ask(tab1.socket, C['notification:markRead'].name, { id: rows[0]!.id })).toEqual({ ok: true, data: { unread: 2 } });
    expect(await readOnOther).toMatchObject({ id: rows[0]!.id, all: false, readAt: expect.any(String) });
    expect((await countOnOther).unread).toBe(2);
    expect(await ask(tab1.socket, C['notification:markRead'].name, { id: rows[0]!.id })).toEqual({ ok: true, data: { unread: 2 } });

    const allOnOther = nextEvent(tab2.socket, S['notification:read'].name);
    const zero = nextEvent(tab2.socket, S['notification:count'].name, (c) => c.unread === 0);
    expect(await ask(tab1.socket, C['notification:markAllRead'].name, {})).toEqual({ ok: true, data: { unread: 0 } });
    expect(await allOnOther).toMatchObject({ id: null, all: true });
    await zero;
  });

  it('never lets a user read or mark another user’s notifications, in the tenant or out of it', async () => {
    const a = tenant();
    const b = tenant();
    const owner = await openInbox(a.person('agent-2', 'agent'));
    const arrived = nextEvent(owner.socket, S.notification.name);
    await post(a.person('admin-1', 'admin'), '/api/tickets', { subject: 'x', assigneeId: 'agent-2' });
    await arrived;
    const [row] = await t.sb().services.db.query<{ id: string }>('SELECT id FROM notifications WHERE account_id = $1', [a.accountId]);
    const colleague = await openInbox(a.person('agent-3', 'agent'));
    const stranger = await openInbox(b.person('agent-2', 'agent'));
    expect((await ask(colleague.socket, C['notification:markRead'].name, { id: row!.id })).error?.code).toBe('NOT_FOUND');
    expect((await ask(stranger.socket, C['notification:markRead'].name, { id: row!.id })).error?.code).toBe('NOT_FOUND');
    expect(stranger.unread).toBe(0);
    const [still] = await t.sb().services.db.query<{ read_at: Date | null }>('SELECT read_at FROM notifications WHERE id = $1', [row!.id]);
    expect(still!.read_at).toBeNull();
  });

  it('notifies people mentioned by @id or @name, but not the author, and the team of a new conversation', async () => {
    const a = tenant();
    const ann = a.person('agent-1', 'agent', { name: 'Ann Lee', teamIds: ['billing'] });
    const bob = a.person('agent-2', 'agent', { name: 'Bob', teamIds: ['billing'] });
    const cid = a.person('agent-3', 'agent', { teamIds: ['support'] });
    const [annBox, bobBox, cidBox] = await Promise.all([openInbox(ann), openInbox(bob), openInbox(cid)]);

    const teamForBob = nextEvent(bobBox.socket, S.notification.name, (n) => n.kind === 'new_conversation');
    const teamForAnn = nextEvent(annBox.socket, S.notification.name, (n) => n.kind === 'new_conversation');
    const conversation = await post(a.person('cust-1', 'customer'), '/api/conversations', { subject: 'Invoice', teamId: 'billing' });
    expect((await teamForBob).data).toMatchObject({ conversationId: conversation.id, teamId: 'billing' });
    await teamForAnn;

    const forBob = nextEvent(bobBox.socket, S.notification.name, (n) => n.kind === 'mentioned');
    const forCid = nextEvent(cidBox.socket, S.notification.name, (n) => n.kind === 'mentioned');
    const annOwn = record(annBox.socket);
    const msg = await post(ann, `/api/conversations/${conversation.id}/messages`, {
      content: 'Hey @bob and @agent-3, see mail from x@y.test. @AnnLee',
    });
    expect((await forBob).data).toMatchObject({ conversationId: conversation.id, messageId: msg.id, senderId: 'agent-1' });
    expect((await forCid).message).toContain('@agent-3');
    // One fact, one batch of notifications: Bob's and Cid's are out, so Ann's would be; a round trip brings it in.
    await roundTrip(annBox.socket, C['notification:markRead'], { id: 'none' });
    expect(annOwn.filter((e) => e.event === S.notification.name)).toEqual([]);
  });

  it('notifies whoever answers for a conversation handed off to a human', async () => {
    const a = tenant();
    const admin = a.person('admin-1', 'admin');
    const agent = a.person('agent-1', 'agent');
    const conversation = await post(a.person('cust-1', 'customer'), '/api/conversations', { subject: 'Bot loop' });
    const inbox = await openInbox(agent);
    const classic = await t.connect({ token: await t.token(admin) });
    // Listening before asking: the assignee's notification may arrive before the admin's answer (two connections).
    const assigned = nextEvent(inbox.socket, S.notification.name, (n) => n.kind === 'assigned');
    await ask(classic, defaultClient.assign_conversation.name, { conversationId: conversation.id, agentId: 'agent-1' });
    await assigned;

    const handoff = nextEvent(inbox.socket, S.notification.name, (n) => n.kind === 'handoff');
    await t.sb().services.broadcast.handoffTriggered(a.accountId, {
      conversationId: conversation.id,
      handoffId: 'h-1',
      trigger: 'low_confidence',
      destination: 'human',
      summary: 'Customer asks for a refund',
      agentId: null,
    });
    expect(await handoff).toMatchObject({
      message: 'Customer asks for a refund',
      data: { conversationId: conversation.id, handoffId: 'h-1' },
    });
  });
});
