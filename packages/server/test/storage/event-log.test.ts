import { randomUUID } from 'node:crypto';

import { expect, it } from 'vitest';

import type { LoggedEvent } from '../../src/domain/domain-event';
import { RelayMarks } from '../../src/realtime/relay-marks';
import { type AppendEventInput, ConversationsRepo, EventLogRepo, type EventViewer, repositories } from '../../src/storage/index';
import { appendEvents } from '../../src/storage/repos/event-log-batch';
import { forEachEngine, uniqueAccountId } from '../support/databases';

forEachEngine('event log', ({ db }) => {
  /** One tenant with two customers' conversations and an event for every audience. */
  async function scenario() {
    const accountId = uniqueAccountId();
    const conversations = new ConversationsRepo(db());
    const conv1 = await conversations.create({ accountId, contactId: 'cust-1' });
    const conv2 = await conversations.create({ accountId, contactId: 'cust-2' });
    const events = new EventLogRepo(db());
    const append = (type: string, over: Partial<AppendEventInput>) =>
      events.append({ id: randomUUID(), accountId, type, audience: 'tenant', data: { type }, ...over });
    await append('tenant-wide', { audience: 'tenant' });
    await append('staff-only', { audience: 'staff' });
    await append('conv1', { audience: 'conversation', conversationId: conv1.id });
    await append('conv2', { audience: 'conversation', conversationId: conv2.id });
    await append('to-cust-1', { audience: 'user', userId: 'cust-1' });
    await append('to-agent-1', { audience: 'user', userId: 'agent-1' });
    // Another tenant, same user ids and conversation ids must not matter.
    await new EventLogRepo(db()).append({
      id: randomUUID(),
      accountId: uniqueAccountId(),
      type: 'elsewhere',
      audience: 'tenant',
      data: {},
    });
    const seen = async (viewer: EventViewer, since = 0) => (await events.listVisible(accountId, since, viewer)).map((e) => e.type);
    return { accountId, events, seen };
  }

  it('shows tenant events to everyone, staff events to staff, user events to that user', async () => {
    const { seen } = await scenario();
    expect(await seen({ isStaff: true, userId: 'agent-1' })).toEqual(['tenant-wide', 'staff-only', 'conv1', 'conv2', 'to-agent-1']);
    expect(await seen({ isStaff: true, userId: 'admin-1' })).toEqual(['tenant-wide', 'staff-only', 'conv1', 'conv2']);
  });

  it("shows a customer only its own conversations' events and its own user events", async () => {
    const { seen } = await scenario();
    expect(await seen({ isStaff: false, userId: 'cust-1' })).toEqual(['tenant-wide', 'conv1', 'to-cust-1']);
    expect(await seen({ isStaff: false, userId: 'cust-2' })).toEqual(['tenant-wide', 'conv2']);
    expect(await seen({ isStaff: false, userId: 'stranger' })).toEqual(['tenant-wide']);
  });

  it('follows a conversation handed to another contact', async () => {
    const { accountId, seen } = await scenario();
    const rows = await db().query<{ id: string }>("SELECT id FROM conversations WHERE account_id = $1 AND contact_id = 'cust-2'", [
      accountId,
    ]);
    await db().query("UPDATE conversations SET contact_id = 'cust-3' WHERE id = $1", [rows[0]!.id]);
    expect(await seen({ isStaff: false, userId: 'cust-2' })).toEqual(['tenant-wide']);
    expect(await seen({ isStaff: false, userId: 'cust-3' })).toEqual(['tenant-wide', 'conv2']);
  });

  it('returns events after `since` in seq order, and the last seq', async () => {
    const { accountId, events } = await scenario();
    const staff = { isStaff: true, userId: 'agent-1' };
    const all = await events.listVisible(accountId, 0, staff);
    const seqs = all.map((e) => e.seq);
    expect([...seqs].sort((a, b) => a - b)).toEqual(seqs);
    expect(await events.lastSeq(accountId)).toBeGreaterThanOrEqual(seqs[seqs.length - 1]!);
    const after = await events.listVisible(accountId, seqs[2]!, staff, 2);
    expect(after.map((e) => e.seq)).toEqual(seqs.slice(3, 5));
    expect(after[0]).toMatchObject({ accountId, audience: 'conversation', data: { type: 'conv2' } });
    expect(await events.lastSeq(uniqueAccountId())).toBe(0);
  });

  it('appends inside a transaction and returns seq, id and time', async () => {
    const accountId = uniqueAccountId();
    const id = randomUUID();
    const appended = await db().transaction((tx) =>
      repositories(tx).events.append({ id, accountId, type: 't', audience: 'tenant', data: [1, 2] }),
    );
    expect(appended).toMatchObject({ id, seq: expect.any(Number), createdAt: expect.any(String) });
    const [row] = await new EventLogRepo(db()).listVisible(accountId, 0, { isStaff: false, userId: 'x' });
    expect(row).toMatchObject({ seq: appended.seq, data: [1, 2], conversationId: null, userId: null });
  });

  it('gives seqs in commit order: a later append waits for an open transaction that appended first', async () => {
    const accountId = uniqueAccountId();
    const order: string[] = [];
    let releaseFirst!: () => void;
    const firstMayCommit = new Promise<void>((resolve) => (releaseFirst = resolve));
    let firstAppended!: () => void;
    const firstHasAppended = new Promise<void>((resolve) => (firstAppended = resolve));

    const first = db().transaction(async (tx) => {
      const e = await new EventLogRepo(tx).append({ id: randomUUID(), accountId, type: 'first', audience: 'tenant', data: {} });
      firstAppended();
      await firstMayCommit;
      order.push('first-commits');
      return e.seq;
    });
    await firstHasAppended;
    const second = new EventLogRepo(db())
      .append({ id: randomUUID(), accountId, type: 'second', audience: 'tenant', data: {} })
      .then((e) => {
        order.push('second-appended');
        return e.seq;
      });
    // About time: the second append stays blocked while the first holds the tenant's lock; nothing signals "still blocked".
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(order).toEqual([]);
    releaseFirst();
    const [s1, s2] = await Promise.all([first, second]);
    expect(order).toEqual(['first-commits', 'second-appended']);
    expect(s1).toBeLessThan(s2);
  });

  it("appends a batch over several accounts in input order, each event naming its account's previous one", async () => {
    const [x, y] = [uniqueAccountId(), uniqueAccountId()];
    const events = new EventLogRepo(db());
    const before = await events.append({ id: randomUUID(), accountId: x, type: 'before', audience: 'tenant', data: {} });
    const batch = await db().transaction((tx) =>
      appendEvents(
        tx,
        ['x1', 'y1', 'x2', 'y2', 'x3'].map((type) => ({
          id: randomUUID(),
          accountId: type.startsWith('x') ? x : y,
          type,
          audience: 'tenant' as const,
          data: { type },
        })),
      ),
    );
    const seqs = batch.map((e) => e.seq);
    expect([...seqs].sort((a, b) => a - b)).toEqual(seqs);
    expect(batch.map((e) => e.prevSeq)).toEqual([before.seq, null, seqs[0], seqs[1], seqs[2]]);
    const stored = await events.listVisible(x, 0, { isStaff: true, userId: 'u' });
    expect(stored.map((e) => e.type)).toEqual(['before', 'x1', 'x2', 'x3']);
    expect(stored.map((e) => e.prevSeq)).toEqual([null, before.seq, seqs[0], seqs[2]]);
    expect(await events.append({ id: randomUUID(), accountId: x, type: 'after', audience: 'tenant', data: {} })).toMatchObject({
      prevSeq: seqs[4],
    });
  });

  it('rejects a reused event id', async () => {
    const events = new EventLogRepo(db());
    const id = randomUUID();
    const accountId = uniqueAccountId();
    await events.append({ id, accountId, type: 'a', audience: 'tenant', data: {} });
    await expect(events.append({ id, accountId, type: 'a', audience: 'tenant', data: {} })).rejects.toMatchObject({
      kind: 'unique_violation',
    });
  });

  it('keeps one relay mark row per node, written once per flush whatever the number of events', async () => {
    const node = `node-${randomUUID().slice(0, 8)}`;
    const errors: unknown[] = [];
    const marks = new RelayMarks(db(), node, (err) => errors.push(err), 60_000);
    const event = (seq: number, createdAt: string) => ({ seq, createdAt }) as LoggedEvent;
    for (let i = 1; i <= 500; i++) marks.relayed(event(i, new Date(Date.UTC(2026, 0, 1, 0, 0, 0, i)).toISOString()));
    marks.failed(event(501, '2026-01-01T00:00:01.000Z'));
    await marks.flush();
    marks.relayed(event(502, '2026-01-01T00:00:02.000Z'));
    await marks.close();
    const rows = await db().query<{ relayed_through: Date; relay_failures: number; last_failure_at: Date }>(
      'SELECT * FROM relay_marks WHERE node_id = $1',
      [node],
    );
    expect(errors).toEqual([]);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ relay_failures: 1 });
    expect(new Date(rows[0]!.relayed_through).toISOString()).toBe('2026-01-01T00:00:02.000Z');
    expect(new Date(rows[0]!.last_failure_at).toISOString()).toBe('2026-01-01T00:00:01.000Z');
  });
});
