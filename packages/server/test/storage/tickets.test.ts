import { Ticket } from '@switchboard/protocol';
import { expect, it } from 'vitest';

import { ConversationsRepo, TicketsRepo } from '../../src/storage/index';
import { forEachEngine, uniqueAccountId } from '../support/databases';
import { sleep } from '../support/events';

forEachEngine('tickets', ({ db }) => {
  it('creates in the wire shape and hides it from other tenants', async () => {
    const tickets = new TicketsRepo(db());
    const accountId = uniqueAccountId();
    const t = await tickets.create({ accountId, subject: 'Refund', slaResolutionDueAt: '2031-01-01T00:00:00.000Z' });
    expect(Ticket.strict().parse(t)).toEqual(t);
    expect(t).toMatchObject({
      accountId,
      subject: 'Refund',
      status: 'open',
      priority: 'medium',
      conversationId: null,
      assigneeId: null,
      slaFirstResponseDueAt: null,
      slaResolutionDueAt: '2031-01-01T00:00:00.000Z',
    });
    expect(await tickets.get(accountId, t.id)).toEqual(t);
    expect(await tickets.get(uniqueAccountId(), t.id)).toBeNull();
    expect(await tickets.update(uniqueAccountId(), t.id, { status: 'closed' })).toBeNull();
  });

  it("refuses to link another tenant's conversation", async () => {
    const other = await new ConversationsRepo(db()).create({ accountId: uniqueAccountId() });
    const err = await new TicketsRepo(db())
      .create({ accountId: uniqueAccountId(), subject: 'x', conversationId: other.id })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ name: 'StorageError', kind: 'foreign_key_violation' });
  });

  it('returns before and after of a patch, with the changed fields', async () => {
    const tickets = new TicketsRepo(db());
    const accountId = uniqueAccountId();
    const conversation = await new ConversationsRepo(db()).create({ accountId });
    const t = await tickets.create({ accountId, subject: 'Broken', conversationId: conversation.id, assigneeId: 'agent-1' });
    // About time: updatedAt must move, so the clock must.
    await sleep(5);
    const result = await tickets.update(accountId, t.id, { status: 'pending', priority: 'urgent', assigneeId: null });
    expect(result?.before).toEqual(t);
    expect(result?.after).toMatchObject({ status: 'pending', priority: 'urgent', assigneeId: null, conversationId: conversation.id });
    expect(result!.after.updatedAt > t.updatedAt).toBe(true);
    expect(result?.changed.sort()).toEqual(['assigneeId', 'priority', 'status']);
    const noop = await tickets.update(accountId, t.id, { priority: 'urgent' });
    expect(noop?.changed).toEqual([]);
  });

  it('keeps resolved_at and first_responded_at in step with the status', async () => {
    const tickets = new TicketsRepo(db());
    const accountId = uniqueAccountId();
    const t = await tickets.create({ accountId, subject: 's' });
    const read = async () =>
      (
        await db().query<{ resolved_at: Date | null; first_responded_at: Date | null }>(
          'SELECT resolved_at, first_responded_at FROM tickets WHERE id = $1',
          [t.id],
        )
      )[0]!;
    await tickets.update(accountId, t.id, { firstRespondedAt: '2030-01-01T00:00:00.000Z' });
    await tickets.update(accountId, t.id, { firstRespondedAt: '2030-06-01T00:00:00.000Z' });
    expect((await read()).first_responded_at?.toISOString()).toBe('2030-01-01T00:00:00.000Z');
    await tickets.update(accountId, t.id, { status: 'solved' });
    const solvedAt = (await read()).resolved_at;
    expect(solvedAt).toBeInstanceOf(Date);
    await tickets.update(accountId, t.id, { status: 'closed' });
    expect((await read()).resolved_at?.getTime()).toBe(solvedAt?.getTime());
    await tickets.update(accountId, t.id, { status: 'open' });
    expect((await read()).resolved_at).toBeNull();
  });

  it('lists most recently updated first, with filters and a cursor', async () => {
    const tickets = new TicketsRepo(db());
    const accountId = uniqueAccountId();
    const made = [];
    for (let i = 0; i < 4; i += 1) {
      made.push(await tickets.create({ accountId, subject: `t${i}`, priority: i % 2 ? 'high' : 'low', teamId: 'team-a' }));
      // About time: distinct creation times, so the order by time is the order made.
      await sleep(2);
    }
    await tickets.update(accountId, made[0]!.id, { status: 'solved', assigneeId: 'agent-9' });
    expect((await tickets.list(accountId)).map((t) => t.subject)).toEqual(['t0', 't3', 't2', 't1']);
    expect((await tickets.list(accountId, { status: ['open', 'pending'], priority: 'high' })).map((t) => t.subject)).toEqual(['t3', 't1']);
    expect((await tickets.list(accountId, { assigneeId: 'agent-9' })).map((t) => t.subject)).toEqual(['t0']);
    expect(await tickets.list(accountId, { assigneeId: null })).toHaveLength(3);
    const page = await tickets.list(accountId, { limit: 2 });
    expect((await tickets.list(accountId, { beforeId: page[1]!.id })).map((t) => t.subject)).toEqual(['t2', 't1']);
    expect(await tickets.list(uniqueAccountId())).toEqual([]);
  });
});
