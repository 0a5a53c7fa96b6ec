import type { ContactSummary, LastMessagePreview, MessageRole } from '@switchboard/protocol';

import type { Queryable } from '../db';
import { iso } from '../row-mapping';

/** What an inbox row shows about one conversation, for one reader. */
export interface InboxFields {
  contact: ContactSummary | null;
  lastMessage: LastMessagePreview | null;
  unreadCount: number;
}

/** Long enough for a row's preview line; the full text is one click away. */
export const PREVIEW_LENGTH = 140;

interface InboxRow {
  id: string;
  contact_id: string | null;
  contact_name: string | null;
  contact_email: string | null;
  lm_id: string | null;
  lm_content: string | null;
  lm_role: MessageRole | null;
  lm_sender_id: string | null;
  lm_created_at: Date | string | null;
  unread: number | string;
}

/** "Maria Garcia" -> "MG", "li" -> "L", "maria@example.com" -> "M"; the id when nothing else is known. */
export function initialsOf(name: string | null, email: string | null, id: string): string {
  const words = (name ?? '').trim().split(/\s+/).filter(Boolean);
  if (words.length > 0) return ((words[0]?.[0] ?? '') + (words.length > 1 ? (words[words.length - 1]?.[0] ?? '') : '')).toUpperCase();
  return (email?.trim()[0] ?? id[0] ?? '?').toUpperCase();
}

export function contactSummary(id: string, name: string | null, email: string | null): ContactSummary {
  return { id, name, email, initials: initialsOf(name, email, id) };
}

/**
 * Contacts, previews and read positions for the inbox. Every query names the account, so another
 * tenant's conversations and users never join in.
 */
export class InboxRepo {
  constructor(private readonly q: Queryable) {}

  /**
   * One query for a whole page: the contact, the newest message and the reader's unread count per
   * conversation. What counts as unread depends on who reads: for staff, what the customer wrote (a
   * teammate's or the assistant's reply needs nobody's attention); for a customer, the replies.
   */
  async fieldsFor(
    accountId: string,
    reader: { id: string; staff: boolean },
    conversationIds: readonly string[],
  ): Promise<Map<string, InboxFields>> {
    if (conversationIds.length === 0) return new Map();
    const rows = await this.q.query<InboxRow>(
      `SELECT c.id, c.contact_id, u.name AS contact_name, u.email AS contact_email,
              lm.id AS lm_id, left(lm.content, $4) AS lm_content, lm.role AS lm_role,
              lm.sender_id AS lm_sender_id, lm.created_at AS lm_created_at,
              (SELECT count(*) FROM messages m
                WHERE m.account_id = c.account_id AND m.conversation_id = c.id
                  AND m.sender_id IS DISTINCT FROM $2 AND m.role = ANY($5::text[])
                  AND (rp.last_read_at IS NULL OR (m.created_at, m.id) > (rp.last_read_at, rp.last_read_message_id))
              )::int AS unread
       FROM conversations c
       LEFT JOIN users u ON u.account_id = c.account_id AND u.id = c.contact_id
       LEFT JOIN read_positions rp ON rp.account_id = c.account_id AND rp.user_id = $2 AND rp.conversation_id = c.id
       LEFT JOIN LATERAL (
         SELECT m.id, m.content, m.role, m.sender_id, m.created_at FROM messages m
         WHERE m.account_id = c.account_id AND m.conversation_id = c.id
         ORDER BY m.created_at DESC, m.id DESC LIMIT 1
       ) lm ON true
       WHERE c.account_id = $1 AND c.id = ANY($3::text[])`,
      [accountId, reader.id, [...conversationIds], PREVIEW_LENGTH, reader.staff ? ['USER'] : ['HUMAN_AGENT', 'ASSISTANT']],
    );
    return new Map(rows.map((r) => [r.id, toFields(r)]));
  }

  /**
   * Moves the reader's position to the message `messageId`, never backwards. True when it moved. The
   * message must be in this account's conversation, or nothing is written. Its time is read from
   * the row, not passed in: PostgreSQL keeps microseconds that an ISO string would cut off.
   */
  async advance(accountId: string, userId: string, conversationId: string, messageId: string): Promise<boolean> {
    const rows = await this.q.query(
      `INSERT INTO read_positions AS rp (account_id, user_id, conversation_id, last_read_at, last_read_message_id)
       SELECT $1, $2, $3, m.created_at, m.id FROM messages m
       WHERE m.account_id = $1 AND m.conversation_id = $3 AND m.id = $4
       ON CONFLICT (account_id, user_id, conversation_id) DO UPDATE
         SET last_read_at = excluded.last_read_at, last_read_message_id = excluded.last_read_message_id, updated_at = now()
         WHERE (excluded.last_read_at, excluded.last_read_message_id) > (rp.last_read_at, rp.last_read_message_id)
       RETURNING rp.conversation_id`,
      [accountId, userId, conversationId, messageId],
    );
    return rows.length > 0;
  }
}

function toFields(r: InboxRow): InboxFields {
  return {
    contact: r.contact_id ? contactSummary(r.contact_id, r.contact_name, r.contact_email) : null,
    lastMessage:
      r.lm_id && r.lm_role && r.lm_created_at
        ? { id: r.lm_id, content: r.lm_content ?? '', role: r.lm_role, senderId: r.lm_sender_id, createdAt: iso(r.lm_created_at) }
        : null,
    unreadCount: Number(r.unread),
  };
}

/** The newest message of a conversation in this account: what "mark all read" reads up to. */
export async function newestMessage(q: Queryable, accountId: string, conversationId: string): Promise<{ id: string } | null> {
  const rows = await q.query<{ id: string }>(
    `SELECT id FROM messages WHERE account_id = $1 AND conversation_id = $2
     ORDER BY created_at DESC, id DESC LIMIT 1`,
    [accountId, conversationId],
  );
  const row = rows[0];
  return row ? { id: row.id } : null;
}
