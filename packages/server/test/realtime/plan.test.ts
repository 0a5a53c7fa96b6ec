import type { Conversation, Message } from '@switchboard/protocol';
import { describe, expect, it } from 'vitest';

import type { DomainEvent, EphemeralEvent } from '../../src/domain/domain-event';
import { DEFAULT_RENDERERS } from '../../src/realtime/broadcaster';
import { type Delivery, plan, roomName } from '../../src/realtime/delivery';

const conversation: Conversation = {
  id: 'c1',
  accountId: 'acme',
  contactId: 'cust',
  status: 'OPEN',
  assigneeId: 'ag1',
  teamId: null,
  subject: null,
  channelType: 'web',
  classification: null,
  createdAt: 't',
  updatedAt: 't',
  lastMessageAt: null,
};
const message = (role: Message['role']): Message => ({
  id: 'm1',
  conversationId: 'c1',
  accountId: 'acme',
  role,
  senderId: role === 'USER' ? 'cust' : 'ag1',
  content: 'hi',
  contentType: 'text',
  clientMessageId: null,
  status: 'sent',
  createdAt: 't',
});

/** Each delivery as `event -> namespace|rooms (except …)`, the exact list a fact becomes. */
function routes(e: DomainEvent | EphemeralEvent): string[] {
  return plan(e, DEFAULT_RENDERERS).map((d: Delivery) => {
    const rooms = d.to.map((r) => roomName('acme', r, d.surface)).join(' + ');
    const except = d.except?.length ? ` except ${d.except.map((r) => roomName('acme', r, d.surface)).join(', ')}` : '';
    return `${d.event} -> ${d.surface.ns} ${rooms}${except}${d.volatile ? ' (volatile)' : ''}`;
  });
}

describe('the broadcaster’s audience for each fact', () => {
  it('a customer message: user_message to staff, new_message to the room; portal and widget in their words', () => {
    expect(routes({ type: 'message.created', accountId: 'acme', conversation, message: message('USER') })).toEqual([
      'user_message -> / default|tenant:acme:staff',
      'new_message -> / default|tenant:acme:conversation:c1',
      'message:new -> / portal|tenant:acme:conversation:c1',
      'conversation:updated -> / portal|tenant:acme:staff',
      'inbound_message -> / widget|tenant:acme:conversation:c1',
    ]);
  });

  it('a private note: tenant staff only, in the default and portal vocabularies, never a conversation room or the widget', () => {
    const note = { id: 'n1', accountId: 'acme', conversationId: 'c1', authorId: 'ag1', content: 'psst', createdAt: 't' };
    expect(routes({ type: 'note.created', accountId: 'acme', note })).toEqual([
      'note_created -> / default|tenant:acme:staff',
      'note_created -> / portal|tenant:acme:staff',
    ]);
  });

  it('label changes: tenant staff only, never a conversation room or the widget', () => {
    const labels = [{ id: 'l1', name: 'VIP', color: '#000000' }];
    expect(
      routes({
        type: 'conversation.labels_changed',
        accountId: 'acme',
        conversationId: 'c1',
        labels,
        added: ['l1'],
        removed: [],
        by: 'ag1',
      }),
    ).toEqual(['conversation_labels_changed -> / default|tenant:acme:staff', 'conversation_labels_changed -> / portal|tenant:acme:staff']);
    const set = [{ ...labels[0]!, accountId: 'acme', createdAt: 't' }];
    expect(routes({ type: 'labels.updated', accountId: 'acme', labels: set })).toEqual([
      'labels_updated -> / default|tenant:acme:staff',
      'labels_updated -> / portal|tenant:acme:staff',
    ]);
  });

  it('a conversation moved to an identified customer: tenant staff only, never the room or the widget', () => {
    const moved = { ...conversation, contact: { id: 'cust', name: 'Ada', email: null, initials: 'A' } };
    expect(
      routes({ type: 'conversation.contact_changed', accountId: 'acme', conversation: moved, previousContactId: 'v_visitor' }),
    ).toEqual(['conversation_updated -> / default|tenant:acme:staff', 'conversation:updated -> / portal|tenant:acme:staff']);
  });

  it("a contact's new name or email: the same words, tenant staff only, naming only the contact as changed", () => {
    const renamed = { ...conversation, contactId: 'cust', contact: { id: 'cust', name: 'Ada', email: null, initials: 'A' } };
    const e = { type: 'conversation.contact_changed', accountId: 'acme', conversation: renamed, previousContactId: 'cust' } as const;
    expect(routes(e)).toEqual([
      'conversation_updated -> / default|tenant:acme:staff',
      'conversation:updated -> / portal|tenant:acme:staff',
    ]);
    expect(plan(e, DEFAULT_RENDERERS).map((d) => (d.payload as { changes: string[] }).changes)).toEqual([['contact'], ['contact']]);
  });

  it('an agent reply: new_message to staff and the room', () => {
    expect(routes({ type: 'message.created', accountId: 'acme', conversation, message: message('HUMAN_AGENT') })[0]).toBe(
      'new_message -> / default|tenant:acme:staff + default|tenant:acme:conversation:c1',
    );
  });

  it('an agent or assistant reply reaches the widget as outbound_message, never inbound_message', () => {
    for (const role of ['HUMAN_AGENT', 'ASSISTANT', 'SYSTEM'] as const) {
      const widget = routes({ type: 'message.created', accountId: 'acme', conversation, message: message(role) }).filter((r) =>
        r.includes('widget|'),
      );
      expect(widget).toEqual(['outbound_message -> / widget|tenant:acme:conversation:c1']);
    }
  });

  it('an assignment: tenant staff and the assignee’s room; the conversation room (widgets too) apart, less staff', () => {
    expect(routes({ type: 'conversation.assigned', accountId: 'acme', conversation, previousAssigneeId: null, by: 'ad1' })).toEqual([
      'conversation_assigned -> / default|tenant:acme:staff + default|tenant:acme:agent:ag1',
      'conversation_assigned -> / default|tenant:acme:conversation:c1 except default|tenant:acme:staff',
      'conversation:assigned -> / portal|tenant:acme:staff + portal|tenant:acme:agent:ag1',
      'conversation:assigned -> / portal|tenant:acme:conversation:c1 except portal|tenant:acme:staff',
      // The customer's widget shows who took the conversation (issue 17); widget sockets join only the conversation room.
      'conversation_assigned -> / widget|tenant:acme:staff + widget|tenant:acme:agent:ag1',
      'conversation_assigned -> / widget|tenant:acme:conversation:c1 except widget|tenant:acme:staff',
    ]);
  });

  it('a conversation fact the customer hears carries no AI reading and no labels to the conversation room', () => {
    const classified: Conversation = {
      ...conversation,
      classification: { category: 'billing', priority: 'high', sentiment: 'negative', confidence: 0.9, summary: 'angry' } as never,
      labels: [{ id: 'l1', name: 'VIP', color: '#f00' }] as never,
    };
    const facts: DomainEvent[] = [
      { type: 'conversation.assigned', accountId: 'acme', conversation: classified, previousAssigneeId: null, by: 'ad1' },
      { type: 'conversation.status_changed', accountId: 'acme', conversation: classified, previousStatus: 'OPEN', by: 'ad1' } as never,
    ];
    for (const fact of facts) {
      const deliveries = plan(fact, DEFAULT_RENDERERS);
      const toRoom = deliveries.filter((d) => d.to.some((r) => r.kind === 'conversation'));
      const toStaff = deliveries.filter(
        (d) => d.to.some((r) => r.kind === 'tenantStaff') && (d.payload as { conversation?: unknown }).conversation,
      );
      expect(toRoom.length, fact.type).toBeGreaterThan(0);
      for (const d of toRoom) expect(JSON.stringify(d.payload), d.event).not.toMatch(/billing|VIP|angry/);
      for (const d of toStaff) expect(JSON.stringify(d.payload), d.event).toMatch(/billing/);
    }
  });

  it('typing: the room except the typist, volatile, in each vocabulary', () => {
    expect(
      routes({ type: 'typing', accountId: 'acme', conversationId: 'c1', userId: 'ag1', name: null, role: 'agent', typing: true }),
    ).toEqual([
      'typing_start -> / default|tenant:acme:conversation:c1 except default|tenant:acme:user:ag1 (volatile)',
      'typing:start -> / portal|tenant:acme:conversation:c1 except portal|tenant:acme:user:ag1 (volatile)',
      'typing_start -> / widget|tenant:acme:conversation:c1 except widget|tenant:acme:user:ag1 (volatile)',
    ]);
  });

  it('typing stop: the room except the typist, never volatile, in each vocabulary', () => {
    expect(
      routes({ type: 'typing', accountId: 'acme', conversationId: 'c1', userId: 'ag1', name: null, role: 'agent', typing: false }),
    ).toEqual([
      'typing_stop -> / default|tenant:acme:conversation:c1 except default|tenant:acme:user:ag1',
      'typing:stop -> / portal|tenant:acme:conversation:c1 except portal|tenant:acme:user:ag1',
      'typing_stop -> / widget|tenant:acme:conversation:c1 except widget|tenant:acme:user:ag1',
    ]);
  });

  it('an AI draft goes to the assignee only', () => {
    expect(routes({ type: 'ai.draft', accountId: 'acme', conversationId: 'c1', assigneeId: 'ag1', content: 'x', confidence: 0.9 })).toEqual(
      ['ai_draft -> / default|tenant:acme:agent:ag1', 'ai_draft -> / portal|tenant:acme:agent:ag1'],
    );
  });

  it('credits and handoffs reach tenant staff, never customers or widgets', () => {
    expect(routes({ type: 'credits.updated', accountId: 'acme', balance: 1, delta: -1, reason: 'r' })).toEqual([
      'credits_updated -> / default|tenant:acme:staff',
      'credits_updated -> / portal|tenant:acme:staff',
    ]);
  });

  it('a customer’s presence is not announced as an agent’s', () => {
    expect(
      routes({
        type: 'presence.changed',
        accountId: 'acme',
        userId: 'cust',
        role: 'customer',
        name: null,
        status: 'online',
        lastSeen: null,
      }),
    ).toEqual([]);
  });
});
