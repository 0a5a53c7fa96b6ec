import type { Handoff, HandoffDestination, HandoffTrigger } from '@switchboard/protocol';

import type { Queryable } from '../db';
import { newId } from '../ids';
import { iso, jsonParam } from '../row-mapping';

interface Row {
  id: string;
  account_id: string;
  conversation_id: string;
  trigger: HandoffTrigger;
  destination: HandoffDestination;
  summary: string;
  agent_id: string | null;
  message_id: string | null;
  created_at: Date;
}

const toHandoff = (r: Row): Handoff => ({
  id: r.id,
  accountId: r.account_id,
  conversationId: r.conversation_id,
  trigger: r.trigger,
  destination: r.destination,
  summary: r.summary,
  agentId: r.agent_id,
  messageId: r.message_id,
  createdAt: iso(r.created_at),
});

export class HandoffsRepo {
  constructor(private readonly q: Queryable) {}

  async create(input: Omit<Handoff, 'id' | 'createdAt'>): Promise<Handoff> {
    const rows = await this.q.query<Row>(
      `INSERT INTO handoffs (id, account_id, conversation_id, trigger, destination, summary, agent_id, message_id)
       VALUES ($1, $2, $3, $4, $5::jsonb, $6, $7, $8) RETURNING *`,
      [
        newId(),
        input.accountId,
        input.conversationId,
        input.trigger,
        jsonParam(input.destination),
        input.summary,
        input.agentId,
        input.messageId,
      ],
    );
    return toHandoff(rows[0] as Row);
  }

  /** Newest first. */
  async listForConversation(accountId: string, conversationId: string, limit = 50): Promise<Handoff[]> {
    const rows = await this.q.query<Row>(
      `SELECT * FROM handoffs WHERE account_id = $1 AND conversation_id = $2 ORDER BY created_at DESC, id DESC LIMIT $3`,
      [accountId, conversationId, limit],
    );
    return rows.map(toHandoff);
  }
}
