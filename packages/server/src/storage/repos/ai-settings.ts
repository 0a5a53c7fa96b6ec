import type { Queryable } from '../db';
import { iso, jsonParam } from '../row-mapping';

/** A tenant's AI settings as stored; sections are JSON, validated and defaulted by the AI settings service. */
export interface StoredAiSettings {
  accountId: string;
  enabled: boolean;
  rules: Record<string, unknown>;
  handoff: Record<string, unknown>;
  updatedAt: string;
}

interface Row {
  account_id: string;
  enabled: boolean;
  rules: Record<string, unknown>;
  handoff: Record<string, unknown>;
  updated_at: Date;
}

const toSettings = (r: Row): StoredAiSettings => ({
  accountId: r.account_id,
  enabled: r.enabled,
  rules: r.rules,
  handoff: r.handoff,
  updatedAt: iso(r.updated_at),
});

export class AiSettingsRepo {
  constructor(private readonly q: Queryable) {}

  async get(accountId: string): Promise<StoredAiSettings | null> {
    const rows = await this.q.query<Row>('SELECT * FROM ai_settings WHERE account_id = $1', [accountId]);
    return rows[0] ? toSettings(rows[0]) : null;
  }

  async put(s: Omit<StoredAiSettings, 'updatedAt'>): Promise<StoredAiSettings> {
    const rows = await this.q.query<Row>(
      `INSERT INTO ai_settings (account_id, enabled, rules, handoff) VALUES ($1, $2, $3::jsonb, $4::jsonb)
       ON CONFLICT (account_id) DO UPDATE
         SET enabled = excluded.enabled, rules = excluded.rules, handoff = excluded.handoff, updated_at = now()
       RETURNING *`,
      [s.accountId, s.enabled, jsonParam(s.rules), jsonParam(s.handoff)],
    );
    return toSettings(rows[0] as Row);
  }
}
