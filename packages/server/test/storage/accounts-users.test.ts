import { User } from '@switchboard/protocol';
import { describe, expect, it } from 'vitest';

import { AccountsRepo, UsersRepo } from '../../src/storage/index';
import { forEachEngine, uniqueAccountId } from '../support/databases';

// One database per engine for both repos: every test uses account ids of its own (a database each took ~1 s of a
// file whose tests take milliseconds).
forEachEngine('accounts and users', ({ db }) => {
  describe('accounts', () => {
    it('ensure creates once and leaves an existing account alone', async () => {
      const accounts = new AccountsRepo(db());
      const id = uniqueAccountId();
      expect(await accounts.ensure(id, 'Acme')).toBe(true);
      expect(await accounts.ensure(id, 'Renamed')).toBe(false);
      expect(await accounts.get(id)).toMatchObject({ id, name: 'Acme', creditBalance: 0, plan: {}, settings: {} });
      expect(await accounts.get(uniqueAccountId())).toBeNull();
    });

    it('adjusts credits atomically under concurrency', async () => {
      const accounts = new AccountsRepo(db());
      const id = uniqueAccountId();
      await accounts.ensure(id);
      // Each increment sees its own predecessor's result: the returned balances are exactly 1..50.
      const balances = await Promise.all(Array.from({ length: 50 }, () => accounts.adjustCredits(id, 1)));
      expect([...balances].sort((a, b) => (a ?? 0) - (b ?? 0))).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));

      const deltas = Array.from({ length: 60 }, (_, i) => (i % 3 === 0 ? -7 : 5));
      await Promise.all(deltas.map((d) => accounts.adjustCredits(id, d)));
      expect((await accounts.get(id))?.creditBalance).toBe(50 + deltas.reduce((a, b) => a + b, 0));
      expect(await accounts.adjustCredits(uniqueAccountId(), 1)).toBeNull();
    });
  });

  describe('users', () => {
    const claims = (accountId: string, over: Partial<Parameters<UsersRepo['upsertFromClaims']>[0]> = {}) => ({
      accountId,
      id: 'u1',
      role: 'agent' as const,
      email: 'ada@example.com',
      name: 'Ada',
      teamIds: ['t2', 't1'],
      ...over,
    });

    it('upserts from claims and reports creation and real changes only', async () => {
      const users = new UsersRepo(db());
      const accountId = uniqueAccountId();
      const first = await users.upsertFromClaims(claims(accountId));
      expect(first).toMatchObject({ created: true, changed: false });
      expect(User.strict().parse(first.user)).toEqual({
        id: 'u1',
        accountId,
        role: 'agent',
        email: 'ada@example.com',
        name: 'Ada',
        teamIds: ['t1', 't2'],
        lastSeenAt: null,
      });
      // Same teams in another order, duplicated: not a change.
      expect(await users.upsertFromClaims(claims(accountId, { teamIds: ['t1', 't2', 't1'] }))).toMatchObject({
        created: false,
        changed: false,
      });
      const promoted = await users.upsertFromClaims(claims(accountId, { role: 'admin' }));
      expect(promoted).toMatchObject({ created: false, changed: true, user: { role: 'admin' } });
      expect(await users.upsertFromClaims(claims(accountId, { role: 'admin', name: null }))).toMatchObject({
        changed: true,
        user: { name: null },
      });
    });

    it('reports one creation when the same user connects twice at once', async () => {
      const users = new UsersRepo(db());
      const accountId = uniqueAccountId();
      const results = await Promise.all(Array.from({ length: 8 }, () => users.upsertFromClaims(claims(accountId))));
      expect(results.filter((r) => r.created)).toHaveLength(1);
      expect(results.filter((r) => r.changed)).toHaveLength(0);
    });

    it('keeps the same user id in two tenants apart', async () => {
      const users = new UsersRepo(db());
      const a = uniqueAccountId();
      const b = uniqueAccountId();
      await users.upsertFromClaims(claims(a, { role: 'agent' }));
      await users.upsertFromClaims(claims(b, { role: 'customer', name: 'Other' }));
      expect(await users.get(a, 'u1')).toMatchObject({ accountId: a, role: 'agent', name: 'Ada' });
      expect(await users.get(b, 'u1')).toMatchObject({ accountId: b, role: 'customer', name: 'Other' });
      expect(await users.get(uniqueAccountId(), 'u1')).toBeNull();
    });

    it('lists by role and checks existence with optional roles', async () => {
      const users = new UsersRepo(db());
      const accountId = uniqueAccountId();
      await users.upsertFromClaims(claims(accountId, { id: 'agent-1', role: 'agent' }));
      await users.upsertFromClaims(claims(accountId, { id: 'admin-1', role: 'admin' }));
      await users.upsertFromClaims(claims(accountId, { id: 'cust-1', role: 'customer' }));
      expect((await users.listByRole(accountId, ['agent', 'admin'])).map((u) => u.id)).toEqual(['admin-1', 'agent-1']);
      expect(await users.listByRole(accountId, [])).toEqual([]);
      expect(await users.exists(accountId, 'cust-1')).toBe(true);
      expect(await users.exists(accountId, 'cust-1', ['agent', 'admin'])).toBe(false);
      expect(await users.exists(accountId, 'agent-1', ['agent', 'admin'])).toBe(true);
      expect(await users.exists(uniqueAccountId(), 'agent-1')).toBe(false);
    });

    it('moves last seen forward only', async () => {
      const users = new UsersRepo(db());
      const accountId = uniqueAccountId();
      await users.upsertFromClaims(claims(accountId));
      expect(await users.touchLastSeen(accountId, 'u1', '2030-01-02T00:00:00.000Z')).toBe(true);
      await users.touchLastSeen(accountId, 'u1', '2030-01-01T00:00:00.000Z');
      expect((await users.get(accountId, 'u1'))?.lastSeenAt).toBe('2030-01-02T00:00:00.000Z');
      expect(await users.touchLastSeen(accountId, 'nobody')).toBe(false);
    });
  });
});
