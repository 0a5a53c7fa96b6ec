import type { CannedResponse } from '@switchboard/protocol';

import type { Queryable } from '../db';
import { newId } from '../ids';
import { iso } from '../row-mapping';

interface CannedRow {
  id: string;
  account_id: string;
  shortcut: string;
  title: string | null;
  content: string;
  created_at: Date | string;
  updated_at: Date | string;
}

function toCanned(r: CannedRow): CannedResponse {
  return {
    id: r.id,
    accountId: r.account_id,
    shortcut: r.shortcut,
    title: r.title,
    content: r.content,
    createdAt: iso(r.created_at),
    updatedAt: iso(r.updated_at),
  };
}

export interface CannedInput {
  shortcut: string;
  title?: string | null | undefined;
  content: string;
}

/** A tenant's canned responses; shortcuts are unique per tenant regardless of case. */
export class CannedResponsesRepo {
  constructor(private readonly q: Queryable) {}

  /** Null when the shortcut is taken: no error, so it is safe inside a transaction. */
  async create(accountId: string, createdBy: string, input: CannedInput): Promise<CannedResponse | null> {
    const rows = await this.q.query<CannedRow>(
      `INSERT INTO canned_responses (id, account_id, shortcut, title, content, created_by) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT DO NOTHING RETURNING *`,
      [newId(), accountId, input.shortcut, input.title ?? null, input.content, createdBy],
    );
    return rows[0] ? toCanned(rows[0]) : null;
  }

  /** By shortcut. */
  async list(accountId: string): Promise<CannedResponse[]> {
    const rows = await this.q.query<CannedRow>('SELECT * FROM canned_responses WHERE account_id = $1 ORDER BY lower(shortcut), id', [
      accountId,
    ]);
    return rows.map(toCanned);
  }

  /** `conflict` when the new shortcut is another response's; null when there is no such response. */
  async update(accountId: string, id: string, patch: Partial<CannedInput>): Promise<CannedResponse | 'conflict' | null> {
    if (patch.shortcut !== undefined) {
      const taken = await this.q.query<{ id: string }>(
        'SELECT id FROM canned_responses WHERE account_id = $1 AND lower(shortcut) = lower($2) AND id <> $3',
        [accountId, patch.shortcut, id],
      );
      if (taken.length > 0) return 'conflict';
    }
    const rows = await this.q.query<CannedRow>(
      `UPDATE canned_responses
       SET shortcut = COALESCE($3, shortcut), content = COALESCE($4, content),
           title = CASE WHEN $5::boolean THEN $6 ELSE title END, updated_at = now()
       WHERE account_id = $1 AND id = $2 RETURNING *`,
      [accountId, id, patch.shortcut ?? null, patch.content ?? null, patch.title !== undefined, patch.title ?? null],
    );
    return rows[0] ? toCanned(rows[0]) : null;
  }

  async delete(accountId: string, id: string): Promise<boolean> {
    const rows = await this.q.query('DELETE FROM canned_responses WHERE account_id = $1 AND id = $2 RETURNING id', [accountId, id]);
    return rows.length > 0;
  }
}
