import type { Principal } from '../auth/principal';
import { forbidden, notFound } from '../errors';
import type { Db } from '../storage/db';
import { AccountsRepo } from '../storage/repos/accounts';
import { UsersRepo } from '../storage/repos/users';
import { contactDetailsChanged } from './contact-details-changed';
import { logEvents } from './event-log';
import type { Publisher } from './publisher';

/**
 * Keeps the users table in step with the claims of the tokens people connect
 * with (users are upserted on connect). A reconnect with the same claims costs
 * no write; a changed name, email, role or team list is stored and announced as
 * `user:updated` to the user, and a changed name or email also to staff, on each conversation the
 * user is the contact of (`conversation.contact_changed`), so inbox rows and contact panels follow.
 */
export class UserDirectory {
  private readonly seen = new Map<string, string>();
  /** Accounts known to exist (accounts are never deleted). */
  private readonly accounts = new Set<string>();

  constructor(
    private readonly db: Db,
    private readonly publisher: Publisher,
    private readonly maxCached = 100_000,
  ) {}

  async ensure(p: Principal): Promise<void> {
    const key = `${p.accountId}\u0000${p.userId}`;
    const fingerprint = fingerprintOf(p);
    if (this.seen.get(key) === fingerprint) return;
    // Not seen on this node since it started (a restart's reconnect storm): one read, and no write
    // when the stored row already says what the token says.
    const stored = await new UsersRepo(this.db).get(p.accountId, p.userId);
    if (stored) this.noteAccount(p.accountId);
    if (stored && fingerprintOf(stored) === fingerprint) return this.remember(key, fingerprint);
    const accountKnown = this.accounts.has(p.accountId);
    const logged = await this.db.transaction(async (tx) => {
      // A storm of new users of one tenant ensures its account once per node, not once per user.
      if (!accountKnown) await new AccountsRepo(tx).ensure(p.accountId);
      const { user, changed, created } = await new UsersRepo(tx).upsertFromClaims({
        accountId: p.accountId,
        id: p.userId,
        role: p.role,
        email: p.email,
        name: p.name,
        teamIds: p.teamIds,
      });
      if (!changed || created) return [];
      return logEvents(tx, [
        { type: 'user.updated', accountId: p.accountId, user },
        ...(await contactDetailsChanged(tx, p.accountId, stored, user)),
      ]);
    });
    this.noteAccount(p.accountId);
    this.remember(key, fingerprint);
    logged.forEach((e) => this.publisher.publish(e));
  }

  private noteAccount(accountId: string): void {
    if (this.accounts.size >= this.maxCached) this.accounts.clear();
    this.accounts.add(accountId);
  }

  private remember(key: string, fingerprint: string): void {
    if (this.seen.size >= this.maxCached) this.seen.clear();
    this.seen.set(key, fingerprint);
  }

  /**
   * For channels that speak for a customer (the RabbitMQ bridge): the tenant must already exist, and
   * a contact seen for the first time is stored as a customer. An id that belongs to staff is
   * refused, so a queue message can never demote an agent or write in an agent's name. A name the
   * channel does not send leaves the stored one alone.
   */
  async ensureContact(accountId: string, contactId: string, name: string | null): Promise<void> {
    if (!(await new AccountsRepo(this.db).get(accountId))) throw notFound('Tenant');
    const existing = await new UsersRepo(this.db).get(accountId, contactId);
    if (existing && existing.role !== 'customer') throw forbidden('This contact id belongs to a staff member');
    if (existing && (name === null || name === existing.name)) return;
    const logged = await this.db.transaction(async (tx) => {
      const { user, changed, created } = await new UsersRepo(tx).upsertFromClaims({
        accountId,
        id: contactId,
        role: 'customer',
        email: existing?.email ?? null,
        name: name ?? null,
        teamIds: existing?.teamIds ?? [],
      });
      if (!changed || created) return [];
      return logEvents(tx, [{ type: 'user.updated', accountId, user }, ...(await contactDetailsChanged(tx, accountId, existing, user))]);
    });
    // The token fingerprint cached for this user no longer matches the row.
    this.seen.delete(`${accountId}\u0000${contactId}`);
    logged.forEach((e) => this.publisher.publish(e));
  }
}

/** What the users row holds of a token's claims; equal fingerprints need no write. */
function fingerprintOf(u: { role: string; email: string | null; name: string | null; teamIds: readonly string[] }): string {
  return JSON.stringify([u.role, u.email, u.name, [...new Set(u.teamIds)].sort()]);
}
