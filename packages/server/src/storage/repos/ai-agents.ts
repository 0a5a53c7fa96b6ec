import type { AiAgent, AiAgentStatus, AiRouting } from '@switchboard/protocol';

import type { Queryable } from '../db';
import { newId } from '../ids';
import { iso, jsonParam } from '../row-mapping';

interface Row {
  id: string;
  account_id: string;
  name: string;
  status: AiAgentStatus;
  routing: Partial<AiRouting>;
  created_at: Date;
  updated_at: Date;
}

function toAgent(r: Row): AiAgent {
  return {
    id: r.id,
    accountId: r.account_id,
    name: r.name,
    status: r.status,
    routing: { channels: r.routing.channels ?? [], teamIds: r.routing.teamIds ?? [] },
    createdAt: iso(r.created_at),
    updatedAt: iso(r.updated_at),
  };
}

export interface AiAgentPatch {
  name?: string;
  status?: AiAgentStatus;
  routing?: AiRouting;
}

export class AiAgentsRepo {
  constructor(private readonly q: Queryable) {}

  async create(input: { accountId: string; name: string; status: AiAgentStatus; routing: AiRouting; id?: string }): Promise<AiAgent> {
    const rows = await this.q.query<Row>(
      'INSERT INTO ai_agents (id, account_id, name, status, routing) VALUES ($1, $2, $3, $4, $5::jsonb) RETURNING *',
      [input.id ?? newId(), input.accountId, input.name, input.status, jsonParam(input.routing)],
    );
    return toAgent(rows[0] as Row);
  }

  async get(accountId: string, id: string): Promise<AiAgent | null> {
    const rows = await this.q.query<Row>('SELECT * FROM ai_agents WHERE account_id = $1 AND id = $2', [accountId, id]);
    return rows[0] ? toAgent(rows[0]) : null;
  }

  /** Oldest first, so the agent that answers a conversation several could take is always the same one. */
  async list(accountId: string, opts: { status?: AiAgentStatus } = {}): Promise<AiAgent[]> {
    const rows = await this.q.query<Row>(
      `SELECT * FROM ai_agents WHERE account_id = $1 AND ($2::text IS NULL OR status = $2)
       ORDER BY created_at, id LIMIT 500`,
      [accountId, opts.status ?? null],
    );
    return rows.map(toAgent);
  }

  /** Applies the patch under a row lock and reports the status it replaced. Null when not found. */
  async update(accountId: string, id: string, patch: AiAgentPatch): Promise<{ agent: AiAgent; previousStatus: AiAgentStatus } | null> {
    const rows = await this.q.query<Row & { previous_status: AiAgentStatus }>(
      `UPDATE ai_agents a
       SET name = COALESCE($3, a.name), status = COALESCE($4, a.status),
           routing = COALESCE($5::jsonb, a.routing), updated_at = now()
       FROM (SELECT id, status FROM ai_agents WHERE account_id = $1 AND id = $2 FOR UPDATE) prev
       WHERE a.id = prev.id
       RETURNING a.*, prev.status AS previous_status`,
      [accountId, id, patch.name ?? null, patch.status ?? null, patch.routing ? jsonParam(patch.routing) : null],
    );
    const row = rows[0];
    return row ? { agent: toAgent(row), previousStatus: row.previous_status } : null;
  }
}
