import type { KnowledgeItem, KnowledgeKind } from '@switchboard/protocol';

import type { Queryable } from '../db';
import { newId } from '../ids';
import { iso } from '../row-mapping';

interface Row {
  id: string;
  account_id: string;
  kind: KnowledgeKind;
  title: string;
  body: string;
  url: string | null;
  tags: string[];
  created_at: Date;
  updated_at: Date;
}

const toItem = (r: Row): KnowledgeItem => ({
  id: r.id,
  accountId: r.account_id,
  kind: r.kind,
  title: r.title,
  body: r.body,
  url: r.url,
  tags: r.tags,
  createdAt: iso(r.created_at),
  updatedAt: iso(r.updated_at),
});

export interface KnowledgeInput {
  kind: KnowledgeKind;
  title: string;
  body: string;
  url?: string | null;
  tags?: string[];
}

/** A tenant's saved replies and help articles, the corpus replies and drafts are retrieved from. */
export class KnowledgeRepo {
  constructor(private readonly q: Queryable) {}

  /** The whole corpus of a tenant, capped: retrieval ranks it in memory. */
  async list(accountId: string, limit = 5_000): Promise<KnowledgeItem[]> {
    const rows = await this.q.query<Row>('SELECT * FROM knowledge WHERE account_id = $1 ORDER BY created_at, id LIMIT $2', [
      accountId,
      limit,
    ]);
    return rows.map(toItem);
  }

  async get(accountId: string, id: string): Promise<KnowledgeItem | null> {
    const rows = await this.q.query<Row>('SELECT * FROM knowledge WHERE account_id = $1 AND id = $2', [accountId, id]);
    return rows[0] ? toItem(rows[0]) : null;
  }

  async create(accountId: string, input: KnowledgeInput): Promise<KnowledgeItem> {
    const rows = await this.q.query<Row>(
      `INSERT INTO knowledge (id, account_id, kind, title, body, url, tags) VALUES ($1, $2, $3, $4, $5, $6, $7::text[]) RETURNING *`,
      [newId(), accountId, input.kind, input.title, input.body, input.url ?? null, input.tags ?? []],
    );
    return toItem(rows[0] as Row);
  }

  async update(accountId: string, id: string, patch: Partial<KnowledgeInput>): Promise<KnowledgeItem | null> {
    const rows = await this.q.query<Row>(
      `UPDATE knowledge SET kind = COALESCE($3, kind), title = COALESCE($4, title), body = COALESCE($5, body),
         url = CASE WHEN $6::boolean THEN $7 ELSE url END, tags = COALESCE($8::text[], tags), updated_at = now()
       WHERE account_id = $1 AND id = $2 RETURNING *`,
      [
        accountId,
        id,
        patch.kind ?? null,
        patch.title ?? null,
        patch.body ?? null,
        patch.url !== undefined,
        patch.url ?? null,
        patch.tags ?? null,
      ],
    );
    return rows[0] ? toItem(rows[0]) : null;
  }

  async delete(accountId: string, id: string): Promise<boolean> {
    const rows = await this.q.query('DELETE FROM knowledge WHERE account_id = $1 AND id = $2 RETURNING id', [accountId, id]);
    return rows.length > 0;
  }
}
