import { expect, it } from 'vitest';

import { type SlaTimer, SlaTimersRepo, TicketsRepo } from '../../src/storage/index';
import { forEachEngine, uniqueAccountId } from '../support/databases';

forEachEngine('sla timers', ({ db }) => {
  async function ticket(accountId = uniqueAccountId()) {
    const t = await new TicketsRepo(db()).create({ accountId, subject: 'sla' });
    return { accountId, ticketId: t.id };
  }
  // Timers are global (claimDue serves every tenant); tests look only at their own account's.
  const mine = (accountId: string, timers: SlaTimer[]) => timers.filter((t) => t.accountId === accountId);

  it('arms one timer per ticket and kind, re-arming moves it and makes it pending again', async () => {
    const timers = new SlaTimersRepo(db());
    const { accountId, ticketId } = await ticket();
    const armed = await timers.arm({ accountId, ticketId, kind: 'breach', fireAt: '2030-01-01T00:00:00.000Z' });
    expect(armed).toMatchObject({
      accountId,
      ticketId,
      kind: 'breach',
      fireAt: '2030-01-01T00:00:00.000Z',
      firedAt: null,
      claimedBy: null,
    });
    const [claimed] = mine(accountId, await timers.claimDue('2030-01-01T00:00:01.000Z', 'node-a', 1000));
    expect(claimed?.id).toBe(armed?.id);
    expect(await timers.markFired(armed!.id, 'node-a')).toBe(true);
    const rearmed = await timers.arm({ accountId, ticketId, kind: 'breach', fireAt: '2030-02-01T00:00:00.000Z' });
    expect(rearmed).toMatchObject({ id: armed!.id, fireAt: '2030-02-01T00:00:00.000Z', firedAt: null, claimedBy: null });
    expect(await timers.listForTicket(accountId, ticketId)).toHaveLength(1);
    expect(await timers.arm({ accountId: uniqueAccountId(), ticketId, kind: 'warning', fireAt: Date.now() })).toBeNull();
  });

  it('claims each due timer exactly once across two concurrent claimers', async () => {
    const timers = new SlaTimersRepo(db());
    const accountId = uniqueAccountId();
    const armedIds: string[] = [];
    for (let i = 0; i < 15; i += 1) {
      const { ticketId } = await ticket(accountId);
      for (const kind of ['warning', 'breach'] as const) {
        const t = await timers.arm({ accountId, ticketId, kind, fireAt: new Date(Date.UTC(2020, 0, 1, 0, 0, i)) });
        armedIds.push(t!.id);
      }
    }
    const now = new Date();
    const claimer = async (node: string) => {
      const got: SlaTimer[] = [];
      for (;;) {
        const batch = await timers.claimDue(now, node, 4);
        if (batch.length === 0) return got;
        got.push(...batch);
      }
    };
    const [a, b] = await Promise.all([claimer('node-a'), claimer('node-b')]);
    const claimedIds = mine(accountId, [...a, ...b]).map((t) => t.id);
    expect(claimedIds.sort()).toEqual([...armedIds].sort());
    expect(mine(accountId, a).every((t) => t.claimedBy === 'node-a')).toBe(true);
    expect(mine(accountId, await timers.claimDue(now, 'node-c', 1000))).toEqual([]);
  });

  it('hands a claim that was never marked fired to another node after the lease', async () => {
    const timers = new SlaTimersRepo(db());
    const { accountId, ticketId } = await ticket();
    await timers.arm({ accountId, ticketId, kind: 'warning', fireAt: '2020-01-01T00:00:00.000Z' });
    const t0 = Date.parse('2030-01-01T00:00:00.000Z');
    expect(mine(accountId, await timers.claimDue(t0, 'node-a', 1000, 60_000))).toHaveLength(1);
    expect(mine(accountId, await timers.claimDue(t0 + 59_000, 'node-b', 1000, 60_000))).toHaveLength(0);
    const [retaken] = mine(accountId, await timers.claimDue(t0 + 61_000, 'node-b', 1000, 60_000));
    expect(retaken?.claimedBy).toBe('node-b');
    expect(await timers.markFired(retaken!.id, 'node-a')).toBe(false);
    expect(await timers.markFired(retaken!.id, 'node-b')).toBe(true);
    expect(await timers.markFired(retaken!.id)).toBe(false);
    expect(mine(accountId, await timers.claimDue(t0 + 600_000, 'node-c', 1000, 60_000))).toHaveLength(0);
  });

  it('cancels pending timers and reports the next due time', async () => {
    const timers = new SlaTimersRepo(db());
    const { accountId, ticketId } = await ticket();
    await timers.arm({ accountId, ticketId, kind: 'warning', fireAt: '2099-01-01T00:00:00.000Z' });
    await timers.arm({ accountId, ticketId, kind: 'breach', fireAt: '2099-01-02T00:00:00.000Z' });
    const next = await timers.nextDueAt();
    expect(next).not.toBeNull();
    expect(next! <= '2099-01-01T00:00:00.000Z').toBe(true);
    expect(await timers.cancel(uniqueAccountId(), ticketId)).toBe(0);
    expect(await timers.cancel(accountId, ticketId, 'warning')).toBe(1);
    expect(await timers.cancel(accountId, ticketId)).toBe(1);
    expect(await timers.listForTicket(accountId, ticketId)).toEqual([]);
  });
});
