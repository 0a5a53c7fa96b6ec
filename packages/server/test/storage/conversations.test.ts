import { Conversation } from '@switchboard/protocol';
import { expect, it } from 'vitest';

import { ConversationsRepo, isUniqueViolation } from '../../src/storage/index';
import { forEachEngine, uniqueAccountId } from '../support/databases';
import { sleep } from '../support/events';

forEachEngine('conversations', ({ db }) => {
  it('creates a conversation in the wire shape, with defaults', async () => {
    const conversations = new ConversationsRepo(db());
    const accountId = uniqueAccountId();
    const created = await conversations.create({ accountId, contactId: 'cust-1', subject: 'Help' });
    expect(Conversation.strict().parse(created)).toEqual(created);
    expect(created).toMatchObject({
      accountId,
      contactId: 'cust-1',
      status: 'OPEN',
      assigneeId: null,
      teamId: null,
      subject: 'Help',
      channelType: 'web',
      classification: null,
      lastMessageAt: null,
    });
    expect(created.createdAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    expect(await conversations.get(accountId, created.id)).toEqual(created);
  });

  it("never returns another tenant's conversation", async () => {
    const conversations = new ConversationsRepo(db());
    const owner = uniqueAccountId();
    const intruder = uniqueAccountId();
    const c = await conversations.create({ accountId: owner, contactId: 'cust-1' });
    expect(await conversations.get(intruder, c.id)).toBeNull();
    expect(await conversations.list(intruder)).toEqual([]);
    expect(await conversations.updateStatus(intruder, c.id, 'RESOLVED')).toBeNull();
    expect(await conversations.setAssignee(intruder, c.id, 'agent-x')).toBeNull();
    expect(await conversations.setClassification(intruder, c.id, null)).toBeNull();
    expect(await conversations.touchLastMessage(intruder, c.id)).toBeNull();
    expect((await conversations.get(owner, c.id))?.status).toBe('OPEN');
  });

  it('lists newest first with filters and an id cursor', async () => {
    const conversations = new ConversationsRepo(db());
    const accountId = uniqueAccountId();
    const made = [];
    for (let i = 0; i < 5; i += 1) {
      made.push(await conversations.create({ accountId, contactId: i < 3 ? 'cust-a' : 'cust-b', subject: `c${i}` }));
      // About time: distinct creation times, so the order by time is the order made.
      await sleep(2);
    }
    await conversations.updateStatus(accountId, made[0]!.id, 'PENDING');
    await conversations.setAssignee(accountId, made[1]!.id, 'agent-1');

    const all = await conversations.list(accountId);
    expect(all.map((c) => c.subject)).toEqual(['c1', 'c0', 'c4', 'c3', 'c2']);
    const page1 = await conversations.list(accountId, { limit: 2 });
    const page2 = await conversations.list(accountId, { limit: 2, beforeId: page1[1]!.id });
    expect([...page1, ...page2].map((c) => c.subject)).toEqual(['c1', 'c0', 'c4', 'c3']);
    expect((await conversations.list(accountId, { status: 'PENDING' })).map((c) => c.subject)).toEqual(['c0']);
    expect((await conversations.list(accountId, { status: ['OPEN'], contactId: 'cust-a' })).map((c) => c.subject)).toEqual(['c1', 'c2']);
    expect((await conversations.list(accountId, { assigneeId: 'agent-1' })).map((c) => c.subject)).toEqual(['c1']);
    expect(await conversations.list(accountId, { assigneeId: null })).toHaveLength(4);
  });

  it('reports the previous status and assignee, and bumps updatedAt only on change', async () => {
    const conversations = new ConversationsRepo(db());
    const accountId = uniqueAccountId();
    const c = await conversations.create({ accountId });
    // About time: updatedAt must move, so the clock must.
    await sleep(5);
    const first = await conversations.updateStatus(accountId, c.id, 'HANDED_OFF');
    expect(first).toMatchObject({ previousStatus: 'OPEN', conversation: { status: 'HANDED_OFF' } });
    expect(first!.conversation.updatedAt > c.updatedAt).toBe(true);
    // About time: a no-op update must leave updatedAt where it was, though the clock moved.
    await sleep(5);
    const same = await conversations.updateStatus(accountId, c.id, 'HANDED_OFF');
    expect(same).toMatchObject({ previousStatus: 'HANDED_OFF' });
    expect(same!.conversation.updatedAt).toBe(first!.conversation.updatedAt);

    expect(await conversations.setAssignee(accountId, c.id, 'agent-1')).toMatchObject({
      previousAssigneeId: null,
      conversation: { assigneeId: 'agent-1' },
    });
    expect(await conversations.setAssignee(accountId, c.id, 'agent-2')).toMatchObject({ previousAssigneeId: 'agent-1' });
    expect(await conversations.setAssignee(accountId, c.id, null)).toMatchObject({
      previousAssigneeId: 'agent-2',
      conversation: { assigneeId: null },
    });
  });

  it('gives racing status changes each a distinct previous status', async () => {
    const conversations = new ConversationsRepo(db());
    const accountId = uniqueAccountId();
    const c = await conversations.create({ accountId });
    const targets = ['PENDING', 'HANDED_OFF', 'RESOLVED'] as const;
    const results = await Promise.all(targets.map((s) => conversations.updateStatus(accountId, c.id, s)));
    // Serialised by the row lock: the previous statuses are OPEN plus two of the targets, all different.
    const previous = results.map((r) => r!.previousStatus);
    expect(new Set(previous).size).toBe(3);
    expect(previous).toContain('OPEN');
  });

  it('stores the classification and moves lastMessageAt forward only', async () => {
    const conversations = new ConversationsRepo(db());
    const accountId = uniqueAccountId();
    const c = await conversations.create({ accountId });
    const classification = {
      priority: 'high' as const,
      sentiment: 'negative' as const,
      category: 'billing',
      language: 'en',
      confidence: 0.9,
    };
    expect((await conversations.setClassification(accountId, c.id, classification))?.classification).toEqual(classification);
    await conversations.touchLastMessage(accountId, c.id, '2031-05-05T10:00:00.000Z');
    const touched = await conversations.touchLastMessage(accountId, c.id, '2031-05-05T09:00:00.000Z');
    expect(touched?.lastMessageAt).toBe('2031-05-05T10:00:00.000Z');
  });

  it('finds by external id, rejects a duplicate and creates-or-gets exactly once under concurrency', async () => {
    const conversations = new ConversationsRepo(db());
    const accountId = uniqueAccountId();
    const c = await conversations.create({ accountId, channelType: 'whatsapp', externalId: 'wa-1' });
    expect(await conversations.findByExternalId(accountId, 'wa-1')).toEqual(c);
    expect(await conversations.findByExternalId(uniqueAccountId(), 'wa-1')).toBeNull();
    const dup = await conversations.create({ accountId, externalId: 'wa-1' }).catch((e: unknown) => e);
    expect(isUniqueViolation(dup)).toBe(true);
    // The same external id in another tenant is a different conversation.
    await expect(conversations.create({ accountId: uniqueAccountId(), externalId: 'wa-1' })).resolves.toBeTruthy();

    const results = await Promise.all(
      Array.from({ length: 10 }, () => conversations.createOrGetByExternalId({ accountId, externalId: 'wa-2', channelType: 'whatsapp' })),
    );
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(new Set(results.map((r) => r.conversation.id)).size).toBe(1);
  });
});
