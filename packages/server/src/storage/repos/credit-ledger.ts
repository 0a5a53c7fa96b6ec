import type { CreditLedgerEntry, CreditReason } from '@switchboard/protocol';

import type { Queryable } from '../db';
import { newId } from '../ids';
import { clampLimit, iso } from '../row-mapping';

interface Row {
  id: string;
  account_id: string;
  delta: number;
  reason: CreditReason;
  ref: string;
  balance_after: number;
  created_at: Date;
}

const toEntry = (r: Row): CreditLedgerEntry => ({
  id: r.id,
  accountId: r.account_id,
  delta: r.delta,
  reason: r.reason,
  ref: r.ref,
  balanceAfter: r.balance_after,
  createdAt: iso(r.created_at),
});

export type ApplyCreditResult =
  | { kind: 'applied'; entry: CreditLedgerEntry }
  /** The ref was applied before (a retry): nothing changed. */
  | { kind: 'duplicate'; entry: CreditLedgerEntry }
  | { kind: 'no_account' };

/**
 * A tenant's credit movements. `apply` must run inside a transaction: it locks the account row, so
 * two applications of one ref, or two charges of one tenant, happen one after the other.
 */
export class CreditLedgerRepo {
  constructor(private readonly q: Queryable) {}

  async apply(input: { accountId: string; delta: number; reason: CreditReason; ref: string }): Promise<ApplyCreditResult> {
    if (!Number.isSafeInteger(input.delta)) throw new RangeError('credit delta must be a safe integer');
    const locked = await this.q.query('SELECT 1 FROM accounts WHERE id = $1 FOR UPDATE', [input.accountId]);
    if (locked.length === 0) return { kind: 'no_account' };
    const existing = await this.findByRef(input.accountId, input.ref);
    if (existing) return { kind: 'duplicate', entry: existing };
    const rows = await this.q.query<Row>(
      `WITH moved AS (
         UPDATE accounts SET credit_balance = credit_balance + $3 WHERE id = $2 RETURNING credit_balance
       )
       INSERT INTO credit_ledger (id, account_id, delta, reason, ref, balance_after)
       SELECT $1, $2, $3, $4, $5, moved.credit_balance FROM moved
       RETURNING *`,
      [newId(), input.accountId, input.delta, input.reason, input.ref],
    );
    return { kind: 'applied', entry: toEntry(rows[0] as Row) };
  }

  async findByRef(accountId: string, ref: string): Promise<CreditLedgerEntry | null> {
    const rows = await this.q.query<Row>('SELECT * FROM credit_ledger WHERE account_id = $1 AND ref = $2', [accountId, ref]);
    return rows[0] ? toEntry(rows[0]) : null;
  }

  /** Newest first. */
  async list(accountId: string, limit?: number): Promise<CreditLedgerEntry[]> {
    const rows = await this.q.query<Row>('SELECT * FROM credit_ledger WHERE account_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2', [
      accountId,
      clampLimit(limit, 50, 500),
    ]);
    return rows.map(toEntry);
  }
}
