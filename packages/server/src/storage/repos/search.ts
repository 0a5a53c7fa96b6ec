import type { MessageRole, SearchHit } from '@switchboard/protocol';

import type { Queryable } from '../db';
import { iso } from '../row-mapping';
import { contactSummary, PREVIEW_LENGTH } from './inbox';

// The indexed expressions of migration 007, spelled exactly alike so the GIN indexes serve them.
const MESSAGE_TEXT = "to_tsvector('simple', m.content)";
const CONTACT_TEXT =
  "to_tsvector('simple', coalesce(u.name, '') || ' ' || coalesce(u.email, '') || ' ' || replace(coalesce(u.email, ''), '@', ' '))";

interface HitRow {
  kind: 'message' | 'contact';
  conversation_id: string;
  message_id: string | null;
  content: string | null;
  role: MessageRole | null;
  contact_id: string | null;
  contact_name: string | null;
  contact_email: string | null;
  rank: number | string;
  created_at: Date | string;
}

/**
 * Full-text search within one account: messages by their text, conversations by their contact's
 * name and email. Both halves name the account, so another tenant's rows never match.
 * Ranked by ts_rank, newest first among equals; paged by offset (a rank is no keyset).
 */
export class SearchRepo {
  constructor(private readonly q: Queryable) {}

  async search(accountId: string, text: string, opts: { offset: number; limit: number }): Promise<SearchHit[]> {
    const rows = await this.q.query<HitRow>(
      `WITH q AS (SELECT websearch_to_tsquery('simple', $2) AS query)
       SELECT * FROM (
         SELECT 'message' AS kind, m.conversation_id, m.id AS message_id, left(m.content, $5) AS content, m.role,
                c.contact_id, u.name AS contact_name, u.email AS contact_email,
                ts_rank(${MESSAGE_TEXT}, q.query) AS rank, m.created_at
         FROM q, messages m
         JOIN conversations c ON c.account_id = m.account_id AND c.id = m.conversation_id
         LEFT JOIN users u ON u.account_id = c.account_id AND u.id = c.contact_id
         WHERE m.account_id = $1 AND ${MESSAGE_TEXT} @@ q.query
         UNION ALL
         SELECT 'contact' AS kind, c.id, NULL, NULL, NULL,
                c.contact_id, u.name, u.email,
                ts_rank(${CONTACT_TEXT}, q.query), c.updated_at
         FROM q, users u
         JOIN conversations c ON c.account_id = u.account_id AND c.contact_id = u.id
         WHERE u.account_id = $1 AND ${CONTACT_TEXT} @@ q.query
       ) hits
       ORDER BY rank DESC, created_at DESC, conversation_id, message_id
       LIMIT $3 OFFSET $4`,
      [accountId, text, opts.limit, opts.offset, PREVIEW_LENGTH],
    );
    return rows.map((r) => ({
      kind: r.kind,
      conversationId: r.conversation_id,
      messageId: r.message_id,
      content: r.content,
      role: r.role,
      contact: r.contact_id ? contactSummary(r.contact_id, r.contact_name, r.contact_email) : null,
      rank: Number(r.rank),
      createdAt: iso(r.created_at),
    }));
  }
}
