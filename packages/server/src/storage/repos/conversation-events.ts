import type { Queryable } from '../db';
import { clampLimit, iso, jsonParam } from '../row-mapping';

/** One line of a conversation's audit log (table conversation_events): who did what, when. */
export interface ConversationEvent {
  id: number;
  accountId: string;
  conversationId: string;
  type: string;
  actorId: string | null;
  data: Record<string, unknown>;
  createdAt: string;
}

interface ConversationEventRow {
  id: number;
  account_id: string;
  conversation_id: string;
  type: string;
  actor_id: string | null;
  data: Record<string, unknown>;
  created_at: Date;
}

function toConversationEvent(row: ConversationEventRow): ConversationEvent {
  return {
    id: row.id,
    accountId: row.account_id,
    conversationId: row.conversation_id,
    type: row.type,
    actorId: row.actor_id,
    data: row.data,
    createdAt: iso(row.created_at),
  };
}

export interface AppendConversationEventInput {
  accountId: string;
  conversationId: string;
  /** e.g. `status_changed`, `assigned`, `unassigned`, `handoff`. */
  type: string;
  actorId?: string | null;
  data?: Record<string, unknown>;
}

export class ConversationEventsRepo {
  constructor(private readonly q: Queryable) {}

  /** Null when the conversation is not in this account (checked in the same statement, so no error aborts a transaction). */
  async append(input: AppendConversationEventInput): Promise<ConversationEvent | null> {
    const rows = await this.q.query<ConversationEventRow>(
      `INSERT INTO conversation_events (account_id, conversation_id, type, actor_id, data)
       SELECT c.account_id, c.id, $3, $4, $5::jsonb FROM conversations c WHERE c.account_id = $1 AND c.id = $2
       RETURNING *`,
      [input.accountId, input.conversationId, input.type, input.actorId ?? null, jsonParam(input.data ?? {})],
    );
    return rows[0] ? toConversationEvent(rows[0]) : null;
  }

  /** Oldest first. */
  async list(accountId: string, conversationId: string, opts: { limit?: number } = {}): Promise<ConversationEvent[]> {
    const rows = await this.q.query<ConversationEventRow>(
      `SELECT * FROM conversation_events WHERE account_id = $1 AND conversation_id = $2 ORDER BY id LIMIT $3`,
      [accountId, conversationId, clampLimit(opts.limit, 200, 1000)],
    );
    return rows.map(toConversationEvent);
  }
}
