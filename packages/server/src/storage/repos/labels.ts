import type { Label, LabelRef } from '@switchboard/protocol';

import type { Queryable } from '../db';
import { newId } from '../ids';
import { iso } from '../row-mapping';

interface LabelRow {
  id: string;
  account_id: string;
  name: string;
  color: string;
  created_at: Date | string;
}

function toLabel(r: LabelRow): Label {
  return { id: r.id, accountId: r.account_id, name: r.name, color: r.color, createdAt: iso(r.created_at) };
}

/**
 * A tenant's labels and which conversations carry them. Every statement names the account, and
 * conversation_labels' foreign keys hold a label and its conversation to one account, so a label
 * can never be applied across tenants.
 */
export class LabelsRepo {
  constructor(private readonly q: Queryable) {}

  /** Null when the tenant has a label of that name (in any case): no error, so it is safe in a transaction. */
  async create(input: { accountId: string; name: string; color: string }): Promise<Label | null> {
    const rows = await this.q.query<LabelRow>(
      `INSERT INTO labels (id, account_id, name, color) VALUES ($1, $2, $3, $4)
       ON CONFLICT DO NOTHING RETURNING *`,
      [newId(), input.accountId, input.name, input.color],
    );
    return rows[0] ? toLabel(rows[0]) : null;
  }

  async findByName(accountId: string, name: string): Promise<Label | null> {
    const rows = await this.q.query<LabelRow>('SELECT * FROM labels WHERE account_id = $1 AND lower(name) = lower($2)', [accountId, name]);
    return rows[0] ? toLabel(rows[0]) : null;
  }

  /** By name, oldest first when two differ only in case (they cannot: the index forbids it). */
  async list(accountId: string): Promise<Label[]> {
    const rows = await this.q.query<LabelRow>('SELECT * FROM labels WHERE account_id = $1 ORDER BY lower(name), id', [accountId]);
    return rows.map(toLabel);
  }

  /** `conflict` when the new name is another label's. */
  async update(accountId: string, id: string, patch: { name?: string; color?: string }): Promise<Label | 'conflict' | null> {
    if (patch.name !== undefined) {
      const other = await this.findByName(accountId, patch.name);
      if (other && other.id !== id) return 'conflict';
    }
    const rows = await this.q.query<LabelRow>(
      `UPDATE labels SET name = COALESCE($3, name), color = COALESCE($4, color)
       WHERE account_id = $1 AND id = $2 RETURNING *`,
      [accountId, id, patch.name ?? null, patch.color ?? null],
    );
    return rows[0] ? toLabel(rows[0]) : null;
  }

  /** Removes the label from every conversation too (ON DELETE CASCADE); answers the conversations it was on. */
  async delete(accountId: string, id: string): Promise<{ conversationIds: string[] } | null> {
    const on = await this.q.query<{ conversation_id: string }>(
      'SELECT conversation_id FROM conversation_labels WHERE account_id = $1 AND label_id = $2',
      [accountId, id],
    );
    const rows = await this.q.query('DELETE FROM labels WHERE account_id = $1 AND id = $2 RETURNING id', [accountId, id]);
    return rows.length > 0 ? { conversationIds: on.map((r) => r.conversation_id) } : null;
  }

  /** Which of `ids` are labels of this tenant. */
  async existing(accountId: string, ids: readonly string[]): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const rows = await this.q.query<{ id: string }>('SELECT id FROM labels WHERE account_id = $1 AND id = ANY($2::text[])', [
      accountId,
      [...ids],
    ]);
    return new Set(rows.map((r) => r.id));
  }

  /** Applies labels; answers the ids that were not on the conversation before. */
  async apply(accountId: string, conversationId: string, labelIds: readonly string[], by: string | null): Promise<string[]> {
    if (labelIds.length === 0) return [];
    const rows = await this.q.query<{ label_id: string }>(
      `INSERT INTO conversation_labels (account_id, conversation_id, label_id, added_by)
       SELECT $1, $2, l.id, $4 FROM labels l WHERE l.account_id = $1 AND l.id = ANY($3::text[])
       ON CONFLICT DO NOTHING RETURNING label_id`,
      [accountId, conversationId, [...labelIds], by],
    );
    return rows.map((r) => r.label_id);
  }

  /** Removes labels; answers the ids that were on the conversation. */
  async remove(accountId: string, conversationId: string, labelIds: readonly string[]): Promise<string[]> {
    if (labelIds.length === 0) return [];
    const rows = await this.q.query<{ label_id: string }>(
      `DELETE FROM conversation_labels WHERE account_id = $1 AND conversation_id = $2 AND label_id = ANY($3::text[])
       RETURNING label_id`,
      [accountId, conversationId, [...labelIds]],
    );
    return rows.map((r) => r.label_id);
  }

  /** Each conversation's labels, in the order they were applied. */
  async forConversations(accountId: string, conversationIds: readonly string[]): Promise<Map<string, LabelRef[]>> {
    const out = new Map<string, LabelRef[]>(conversationIds.map((id) => [id, []]));
    if (conversationIds.length === 0) return out;
    const rows = await this.q.query<{ conversation_id: string; id: string; name: string; color: string }>(
      `SELECT cl.conversation_id, l.id, l.name, l.color FROM conversation_labels cl
       JOIN labels l ON l.account_id = cl.account_id AND l.id = cl.label_id
       WHERE cl.account_id = $1 AND cl.conversation_id = ANY($2::text[])
       ORDER BY cl.created_at, l.id`,
      [accountId, [...conversationIds]],
    );
    for (const r of rows) out.get(r.conversation_id)?.push({ id: r.id, name: r.name, color: r.color });
    return out;
  }
}
