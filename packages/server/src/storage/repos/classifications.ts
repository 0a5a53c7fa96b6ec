import type { Classification } from '@switchboard/protocol';

import type { Queryable } from '../db';
import { type TimeInput, timeParamOrNull } from '../row-mapping';

interface Row {
  priority: Classification['priority'];
  sentiment: Classification['sentiment'];
  category: string;
  language: string;
  confidence: number | null;
}

const toClassification = (r: Row): Classification => ({
  priority: r.priority,
  sentiment: r.sentiment,
  category: r.category,
  language: r.language,
  ...(r.confidence === null ? {} : { confidence: r.confidence }),
});

/** One classification per customer message. */
export class ClassificationsRepo {
  constructor(private readonly q: Queryable) {}

  /** False when the message was classified already (a retried job): the stored one stands. */
  async insertIfAbsent(input: {
    accountId: string;
    conversationId: string;
    messageId: string;
    provider: string;
    classification: Classification;
  }): Promise<boolean> {
    const c = input.classification;
    const rows = await this.q.query(
      `INSERT INTO classifications (message_id, account_id, conversation_id, priority, sentiment, category, language, confidence, provider)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (message_id) DO NOTHING RETURNING message_id`,
      [
        input.messageId,
        input.accountId,
        input.conversationId,
        c.priority,
        c.sentiment,
        c.category,
        c.language,
        c.confidence ?? null,
        input.provider,
      ],
    );
    return rows.length > 0;
  }

  async get(accountId: string, messageId: string): Promise<Classification | null> {
    const rows = await this.q.query<Row>('SELECT * FROM classifications WHERE account_id = $1 AND message_id = $2', [accountId, messageId]);
    return rows[0] ? toClassification(rows[0]) : null;
  }

  /** Negative customer messages of a conversation after `since` (all of them without it). */
  async countNegative(accountId: string, conversationId: string, since?: TimeInput | null): Promise<number> {
    const rows = await this.q.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM classifications
       WHERE account_id = $1 AND conversation_id = $2 AND sentiment = 'negative'
         AND ($3::timestamptz IS NULL OR created_at > $3::timestamptz)`,
      [accountId, conversationId, timeParamOrNull(since)],
    );
    return rows[0]?.n ?? 0;
  }
}
