import type { Conversation, Message, Ticket } from '@switchboard/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { LoggedEvent } from '../../src/domain/domain-event';
import { notificationsFor } from '../../src/domain/notification-rules';
import { AccountsRepo, ConversationsRepo, type Db, UsersRepo } from '../../src/storage/index';
import { createTestDatabase, type TestDatabase, uniqueAccountId } from '../support/databases';

/**
 * Who each fact notifies, as tables over one tenant's staff: the rules read users and conversations,
 * so they run against a real (embedded) database; the repositories' SQL is tested on both engines
 * in test/storage.
 *
 * Staff of the tenant: ann (admin), bob (agent, team t1), cara "Cara Diaz" (agent, teams t1 and t2),
 * vic (viewer, team t1; viewers get no notifications), and a customer.
 */
let database: TestDatabase;
let db: Db;
const acct = uniqueAccountId('rules');
/** A tenant with no admin and nobody on any team: whoever-answers finds no one. */
const empty = uniqueAccountId('rules-empty');
let assigned: Conversation;
let teamed: Conversation;
let orphan: Conversation;

beforeAll(async () => {
  database = await createTestDatabase('pglite');
  db = database.db;
  const accounts = new AccountsRepo(db);
  await accounts.ensure(acct);
  await accounts.ensure(empty);
  const users = new UsersRepo(db);
  const people = [
    { id: 'ann', role: 'admin', name: 'Ann Lee', teamIds: [] },
    { id: 'bob', role: 'agent', name: 'Bob', teamIds: ['t1'] },
    { id: 'cara', role: 'agent', name: 'Cara Diaz', teamIds: ['t1', 't2'] },
    { id: 'vic', role: 'viewer', name: 'Vic', teamIds: ['t1'] },
    { id: 'cust', role: 'customer', name: 'Casey', teamIds: [] },
  ] as const;
  for (const p of people) await users.upsertFromClaims({ accountId: acct, ...p, teamIds: [...p.teamIds] });
  await users.upsertFromClaims({ accountId: empty, id: 'lone', role: 'agent', name: 'Lone', teamIds: [] });
  const conversations = new ConversationsRepo(db);
  assigned = await conversations.create({ accountId: acct, subject: 'Assigned', assigneeId: 'bob', teamId: 't2' });
  teamed = await conversations.create({ accountId: acct, subject: 'Teamed', teamId: 't2' });
  orphan = await conversations.create({ accountId: acct, subject: null });
}, 60_000);

afterAll(async () => {
  await database?.dispose();
});

const logged = (e: Record<string, unknown>): LoggedEvent =>
  ({ accountId: acct, seq: 1, eventId: 'e1', createdAt: '2026-01-05T09:00:00.000Z', ...e }) as LoggedEvent;

const conversation = (over: Partial<Conversation> = {}): Conversation => ({
  id: 'c1',
  accountId: acct,
  contactId: 'cust',
  status: 'OPEN',
  assigneeId: null,
  teamId: null,
  subject: 'Refund',
  channelType: 'web',
  createdAt: '2026-01-05T09:00:00.000Z',
  updatedAt: '2026-01-05T09:00:00.000Z',
  lastMessageAt: null,
  ...over,
});

const ticket = (over: Partial<Ticket> = {}): Ticket => ({
  id: 'tk1',
  accountId: acct,
  conversationId: null,
  subject: 'Broken invoice',
  status: 'open',
  priority: 'high',
  assigneeId: null,
  teamId: null,
  slaFirstResponseDueAt: null,
  slaResolutionDueAt: '2026-01-05T17:00:00.000Z',
  createdAt: '2026-01-05T09:00:00.000Z',
  updatedAt: '2026-01-05T09:00:00.000Z',
  ...over,
});

const message = (content: string, over: Partial<Message> = {}): Message => ({
  id: 'm1',
  conversationId: 'c1',
  accountId: acct,
  role: 'HUMAN_AGENT',
  senderId: 'ann',
  content,
  contentType: 'text',
  clientMessageId: null,
  status: 'sent',
  createdAt: '2026-01-05T09:00:00.000Z',
  ...over,
});

/** `user kind` per notification, sorted: the cell the tables compare. */
async function recipients(e: LoggedEvent): Promise<string[]> {
  return (await notificationsFor(e, db)).map((n) => `${n.userId} ${n.kind}`).sort();
}

const summary = (id: string) => ({ id, name: id, role: 'agent' as const, avatarUrl: null });

describe('notificationsFor', () => {
  it.each([
    [
      'ticket assigned to bob by ann',
      { type: 'ticket.assigned', ticket: ticket(), agent: summary('bob'), previousAssigneeId: null, by: 'ann' },
      ['bob assigned'],
    ],
    [
      'ticket bob took himself',
      { type: 'ticket.assigned', ticket: ticket(), agent: summary('bob'), previousAssigneeId: null, by: 'bob' },
      [],
    ],
    ['ticket unassigned', { type: 'ticket.assigned', ticket: ticket(), agent: null, previousAssigneeId: 'bob', by: 'ann' }, []],
    [
      'conversation assigned to cara by the system',
      { type: 'conversation.assigned', conversation: conversation({ assigneeId: 'cara' }), previousAssigneeId: null, by: null },
      ['cara assigned'],
    ],
    [
      'conversation cara took herself',
      { type: 'conversation.assigned', conversation: conversation({ assigneeId: 'cara' }), previousAssigneeId: null, by: 'cara' },
      [],
    ],
  ])('assignment: %s', async (_case, e, expected) => {
    expect(await recipients(logged(e))).toEqual(expected);
  });

  it.each([
    ['team t1: its agents, not its viewer', 't1', ['bob new_conversation', 'cara new_conversation']],
    ['team t2', 't2', ['cara new_conversation']],
    ['a team nobody is on', 't9', []],
    ['no team', null, []],
  ])('new conversation in %s', async (_case, teamId, expected) => {
    expect(await recipients(logged({ type: 'conversation.created', conversation: conversation({ teamId }) }))).toEqual(expected);
  });

  it.each([
    ['@id', '@bob can you look?', 'ann', 'HUMAN_AGENT', ['bob mentioned']],
    ['@name without spaces, any case', 'cc @caradiaz and @ANNLEE', 'bob', 'HUMAN_AGENT', ['ann mentioned', 'cara mentioned']],
    ['a handle ending a sentence', 'Thanks @bob.', 'ann', 'HUMAN_AGENT', ['bob mentioned']],
    ['in brackets and after punctuation', '(@bob),@cara', 'ann', 'HUMAN_AGENT', ['bob mentioned', 'cara mentioned']],
    ['an e-mail address is no mention', 'write to bob@example.com', 'ann', 'HUMAN_AGENT', []],
    ['the sender mentioning itself', '@ann note to self', 'ann', 'HUMAN_AGENT', []],
    ['a viewer cannot be mentioned into a notification', '@vic fyi', 'ann', 'HUMAN_AGENT', []],
    ['an unknown handle', '@nobody', 'ann', 'HUMAN_AGENT', []],
    ['a customer’s @ is not a mention', '@bob help', 'cust', 'USER', []],
    ['nor the assistant’s', '@bob will follow up', null, 'ASSISTANT', []],
  ] as const)('mention: %s', async (_case, content, senderId, role, expected) => {
    const e = { type: 'message.created', conversation: conversation(), message: message(content, { senderId, role }) };
    expect(await recipients(logged(e))).toEqual(expected);
  });

  it.each([
    ['the assignee', { assigneeId: 'bob', teamId: 't2' }, 'warning', ['bob sla_warning']],
    ['else the team', { teamId: 't2' }, 'warning', ['cara sla_warning']],
    ['else the admins', {}, 'breach', ['ann sla_breached']],
    ['a team nobody is on: the admins', { teamId: 't9' }, 'breach', ['ann sla_breached']],
  ] as const)('SLA alert goes to %s', async (_case, over, kind, expected) => {
    const e = {
      type: 'ticket.sla_alert',
      ticket: ticket(over),
      kind,
      target: 'resolution',
      minutesLeft: kind === 'warning' ? 5 : 0,
      dueAt: ticket().slaResolutionDueAt,
    };
    expect(await recipients(logged(e))).toEqual(expected);
  });

  it('SLA alerts say how long is left and which clock', async () => {
    const e = logged({
      type: 'ticket.sla_alert',
      ticket: ticket({ assigneeId: 'bob' }),
      kind: 'warning',
      target: 'first_response',
      minutesLeft: 5,
      dueAt: 'D',
    });
    expect(await notificationsFor(e, db)).toEqual([
      {
        userId: 'bob',
        kind: 'sla_warning',
        title: 'SLA warning: 5 min left',
        message: 'Broken invoice',
        data: { ticketId: 'tk1', target: 'first_response', dueAt: 'D' },
      },
    ]);
  });

  it.each([
    ['its assignee', () => assigned.id, ['bob handoff']],
    ['else its team', () => teamed.id, ['cara handoff']],
    ['else the admins', () => orphan.id, ['ann handoff']],
    ['a conversation that is gone: the admins', () => 'missing', ['ann handoff']],
  ])('hand-off goes to %s', async (_case, id, expected) => {
    const e = {
      type: 'handoff.triggered',
      conversationId: id(),
      handoffId: 'h1',
      trigger: 'rule',
      destination: 'human',
      summary: '',
      agentId: null,
    };
    expect(await recipients(logged(e))).toEqual(expected);
  });

  it('a hand-off in a tenant with no admin and no team notifies no one', async () => {
    const e = {
      type: 'handoff.triggered',
      accountId: empty,
      conversationId: 'missing',
      handoffId: 'h1',
      trigger: 'rule',
      destination: 'human',
      summary: 's',
      agentId: null,
    };
    expect(await recipients(logged(e))).toEqual([]);
  });

  it.each([
    ['conversation.status_changed', { conversation: conversation(), previousStatus: 'OPEN', by: 'ann' }],
    ['message.status', { conversationId: 'c1', messageId: 'm1', senderId: 'bob', status: 'read', userId: 'cust', at: 'now' }],
    ['ticket.status_changed', { ticket: ticket({ assigneeId: 'bob' }), previousStatus: 'open', by: null }],
    ['custom', { room: { kind: 'tenant' }, event: 'x', payload: {} }],
  ])('%s notifies no one', async (type, rest) => {
    expect(await recipients(logged({ type, ...rest }))).toEqual([]);
  });
});
