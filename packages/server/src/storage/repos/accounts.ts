import type { Queryable } from '../db';
import { iso } from '../row-mapping';

/** A tenant. Not a wire model: credits and plan reach clients through domain events. */
export interface Account {
  id: string;
  name: string | null;
  plan: Record<string, unknown>;
  creditBalance: number;
  settings: Record<string, unknown>;
  createdAt: string;
}

interface AccountRow {
  id: string;
  name: string | null;
  plan: Record<string, unknown>;
  credit_balance: number;
  settings: Record<string, unknown>;
  created_at: Date;
}

function toAccount(row: AccountRow): Account {
  return {
    id: row.id,
    name: row.name,
    plan: row.plan,
    creditBalance: row.credit_balance,
    settings: row.settings,
    createdAt: iso(row.created_at),
  };
}

export class AccountsRepo {
  constructor(private readonly q: Queryable) {}

  /** Creates the account when it is new; an existing one is left as it is. Returns true when created. */
  async ensure(id: string, name?: string | null): Promise<boolean> {
    const rows = await this.q.query('INSERT INTO accounts (id, name) VALUES ($1, $2) ON CONFLICT (id) DO NOTHING RETURNING id', [
      id,
      name ?? null,
    ]);
    return rows.length > 0;
  }

  async get(id: string): Promise<Account | null> {
    const rows = await this.q.query<AccountRow>('SELECT * FROM accounts WHERE id = $1', [id]);
    return rows[0] ? toAccount(rows[0]) : null;
  }

  /**
   * Adds `delta` (negative to spend) in one statement, so concurrent adjustments never lose an update.
   * Returns the new balance, or null when the account does not exist.
   */
  async adjustCredits(id: string, delta: number): Promise<number | null> {
    if (!Number.isSafeInteger(delta)) throw new RangeError('credit delta must be a safe integer');
    const rows = await this.q.query<{ credit_balance: number }>(
      'UPDATE accounts SET credit_balance = credit_balance + $2 WHERE id = $1 RETURNING credit_balance',
      [id, delta],
    );
    return rows[0]?.credit_balance ?? null;
  }
}
