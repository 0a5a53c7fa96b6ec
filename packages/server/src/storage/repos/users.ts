import type { Role, User } from '@switchboard/protocol';

import type { Queryable } from '../db';
import { isoOrNull, type TimeInput, timeParam } from '../row-mapping';

export interface UserClaims {
  accountId: string;
  id: string;
  role: Role;
  email?: string | null;
  name?: string | null;
  teamIds?: readonly string[];
}

export interface UpsertUserResult {
  user: User;
  /** The row did not exist before. */
  created: boolean;
  /** An existing row's role, name, email or teams differed from the claims (raise `user:updated`). */
  changed: boolean;
}

interface UserRow {
  account_id: string;
  id: string;
  role: Role;
  email: string | null;
  name: string | null;
  team_ids: string[];
  last_seen_at: Date | null;
}

function toUser(row: UserRow): User {
  return {
    id: row.id,
    name: row.name,
    email: row.email,
    role: row.role,
    accountId: row.account_id,
    teamIds: row.team_ids,
    lastSeenAt: isoOrNull(row.last_seen_at),
  };
}

/** Sorted and deduplicated, so the same teams in another order do not count as a change. */
function normaliseTeams(teamIds: readonly string[] | undefined): string[] {
  return [...new Set(teamIds ?? [])].sort();
}

export class UsersRepo {
  constructor(private readonly q: Queryable) {}

  /**
   * Records the identity a token asserts. One statement, so two sockets of the same user connecting
   * at once cannot both report a change. `xmax = 0` tells a fresh insert from an update.
   */
  async upsertFromClaims(claims: UserClaims): Promise<UpsertUserResult> {
    const params = [claims.accountId, claims.id, claims.role, claims.email ?? null, claims.name ?? null, normaliseTeams(claims.teamIds)];
    const rows = await this.q.query<UserRow & { inserted: boolean }>(
      `INSERT INTO users (account_id, id, role, email, name, team_ids)
       VALUES ($1, $2, $3, $4, $5, $6::text[])
       ON CONFLICT (account_id, id) DO UPDATE
         SET role = excluded.role, email = excluded.email, name = excluded.name,
             team_ids = excluded.team_ids, updated_at = now()
         WHERE (users.role, users.email, users.name, users.team_ids)
               IS DISTINCT FROM (excluded.role, excluded.email, excluded.name, excluded.team_ids)
       RETURNING *, (xmax = 0) AS inserted`,
      params,
    );
    const row = rows[0];
    if (row) return { user: toUser(row), created: row.inserted, changed: !row.inserted };
    const current = await this.get(claims.accountId, claims.id);
    if (!current) throw new Error('user vanished during upsert');
    return { user: current, created: false, changed: false };
  }

  async get(accountId: string, id: string): Promise<User | null> {
    const rows = await this.q.query<UserRow>('SELECT * FROM users WHERE account_id = $1 AND id = $2', [accountId, id]);
    return rows[0] ? toUser(rows[0]) : null;
  }

  /** Moves last_seen_at forward only, so a late write from a slower node cannot move it back. */
  async touchLastSeen(accountId: string, id: string, at: TimeInput = Date.now()): Promise<boolean> {
    const rows = await this.q.query(
      `UPDATE users SET last_seen_at = GREATEST(last_seen_at, $3::timestamptz)
       WHERE account_id = $1 AND id = $2 RETURNING id`,
      [accountId, id, timeParam(at)],
    );
    return rows.length > 0;
  }

  async listByRole(accountId: string, roles: readonly Role[]): Promise<User[]> {
    const rows = await this.q.query<UserRow>('SELECT * FROM users WHERE account_id = $1 AND role = ANY($2::text[]) ORDER BY id', [
      accountId,
      [...roles],
    ]);
    return rows.map(toUser);
  }

  /** Which of `ids` are users of this tenant, in the order given. */
  async known(accountId: string, ids: readonly string[]): Promise<string[]> {
    if (ids.length === 0) return [];
    const rows = await this.q.query<{ id: string }>('SELECT id FROM users WHERE account_id = $1 AND id = ANY($2::text[])', [
      accountId,
      [...ids],
    ]);
    const found = new Set(rows.map((r) => r.id));
    return ids.filter((id) => found.has(id));
  }

  /** Whether the user is known in this tenant, optionally with one of `roles` (e.g. a valid assignee). */
  async exists(accountId: string, id: string, roles?: readonly Role[]): Promise<boolean> {
    const rows = await this.q.query(
      `SELECT 1 FROM users WHERE account_id = $1 AND id = $2 AND ($3::text[] IS NULL OR role = ANY($3::text[]))`,
      [accountId, id, roles ? [...roles] : null],
    );
    return rows.length > 0;
  }
}
