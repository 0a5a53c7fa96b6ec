import type { AttachmentRef, ContentType, Conversation, DeliveryStatus, Message, MessageRole } from '@switchboard/protocol';

import type { Queryable } from '../db';
import { clampLimit, iso } from '../row-mapping';
import { appendMessages } from './message-batch';

export interface InsertMessageInput {
  accountId: string;
  conversationId: string;
  role: MessageRole;
  senderId?: string | null;
  content: string;
  contentType?: ContentType;
  /** The sender's idempotency key, unique per conversation. */
  clientMessageId?: string | null;
  /** Another system's id (e.g. WhatsApp's), unique per account. */
  externalId?: string | null;
  mediaUrl?: string | null;
  /** Uploaded attachments the message carries (issue 16), already checked against its conversation. */
  attachments?: AttachmentRef[] | null;
  status?: DeliveryStatus;
  confidence?: number | null;
  latencyMs?: number | null;
  /** Defaults to a new UUIDv7. */
  id?: string;
}

export interface InsertMessageResult {
  message: Message;
  /** False when a message with the same clientMessageId, externalId or id was already stored: a retry. */
  created: boolean;
}

export interface AppendMessageResult extends InsertMessageResult {
  /** The conversation after the message: last_message_at moved on. Only when `created`. */
  conversation: Conversation | null;
  /** Whether a ticket wrapped the conversation when the message was stored. Only when `created`. */
  ticketed: boolean;
}

export interface MessageRow {
  id: string;
  account_id: string;
  conversation_id: string;
  role: MessageRole;
  sender_id: string | null;
  content: string;
  content_type: ContentType;
  client_message_id: string | null;
  external_id: string | null;
  media_url: string | null;
  /** Absent in rows read before migration 009 and in rows built from inputs without attachments. */
  attachments?: AttachmentRef[] | null;
  status: DeliveryStatus;
  confidence: number | null;
  latency_ms: number | null;
  created_at: Date | string;
}

export function toMessage(row: MessageRow): Message {
  return {
    id: row.id,
    conversationId: row.conversation_id,
    accountId: row.account_id,
    role: row.role,
    senderId: row.sender_id,
    content: row.content,
    contentType: row.content_type,
    clientMessageId: row.client_message_id,
    externalId: row.external_id,
    mediaUrl: row.media_url,
    status: row.status,
    confidence: row.confidence,
    latencyMs: row.latency_ms,
    ...(row.attachments?.length ? { attachments: row.attachments } : {}),
    createdAt: iso(row.created_at),
  };
}

const STATUS_RANK_SQL = "CASE status WHEN 'sent' THEN 0 WHEN 'delivered' THEN 1 ELSE 2 END";
const STATUS_RANK: Record<DeliveryStatus, number> = { sent: 0, delivered: 1, read: 2 };

/**
 * Messages of a conversation are ordered by (created_at, id). The insert locks the conversation row
 * and stamps created_at with clock_timestamp() after taking the lock, so within a conversation that
 * order is also commit order: a reader paging with listAfter never skips a message committed later
 * with an earlier timestamp.
 */
export class MessagesRepo {
  constructor(private readonly q: Queryable) {}

  /**
   * Stores a message, or finds the one a retry (same clientMessageId, externalId or id) already
   * stored; null when the conversation is not the account's. The write pipeline's batch statement
   * with a batch of one (message-batch.ts): the conversation's last_message_at, its `message` audit
   * row and whether a ticket wraps it come in the same statement. Conflicts are resolved with
   * ON CONFLICT DO NOTHING, never by catching an error, so this is safe inside a transaction.
   */
  async append(input: InsertMessageInput, actorId: string | null): Promise<AppendMessageResult | null> {
    const [outcome] = await appendMessages(this.q, [{ ...input, actorId, requiredContactId: null }]);
    if (outcome?.kind === 'created')
      return { message: outcome.message, created: true, conversation: outcome.conversation, ticketed: outcome.ticketed };
    if (outcome?.kind === 'duplicate') return { message: outcome.message, created: false, conversation: null, ticketed: false };
    return null;
  }

  async get(accountId: string, id: string): Promise<Message | null> {
    const rows = await this.q.query<MessageRow>('SELECT * FROM messages WHERE account_id = $1 AND id = $2', [accountId, id]);
    return rows[0] ? toMessage(rows[0]) : null;
  }

  /** The message a sender stored under its idempotency key, if any. */
  async findByClientMessageId(accountId: string, conversationId: string, clientMessageId: string): Promise<Message | null> {
    const rows = await this.q.query<MessageRow>(
      'SELECT * FROM messages WHERE account_id = $1 AND conversation_id = $2 AND client_message_id = $3',
      [accountId, conversationId, clientMessageId],
    );
    return rows[0] ? toMessage(rows[0]) : null;
  }

  async findByExternalId(accountId: string, externalId: string): Promise<Message | null> {
    const rows = await this.q.query<MessageRow>('SELECT * FROM messages WHERE account_id = $1 AND external_id = $2', [
      accountId,
      externalId,
    ]);
    return rows[0] ? toMessage(rows[0]) : null;
  }

  /**
   * Oldest first, after the message `afterId` (from the start without it). An `afterId` that is not
   * a message of this conversation yields an empty page rather than the whole history.
   */
  async listAfter(accountId: string, conversationId: string, opts: { afterId?: string; limit?: number } = {}): Promise<Message[]> {
    const rows = await this.q.query<MessageRow>(
      `SELECT m.* FROM messages m
       WHERE m.account_id = $1 AND m.conversation_id = $2
         AND ($3::text IS NULL OR (m.created_at, m.id) >
              (SELECT a.created_at, a.id FROM messages a WHERE a.id = $3 AND a.conversation_id = $2))
       ORDER BY m.created_at, m.id
       LIMIT $4`,
      [accountId, conversationId, opts.afterId ?? null, clampLimit(opts.limit)],
    );
    return rows.map(toMessage);
  }

  /** The latest `limit` messages before `beforeId` (or the latest overall), returned oldest first. */
  async listBefore(accountId: string, conversationId: string, opts: { beforeId?: string; limit?: number } = {}): Promise<Message[]> {
    const rows = await this.q.query<MessageRow>(
      `SELECT m.* FROM messages m
       WHERE m.account_id = $1 AND m.conversation_id = $2
         AND ($3::text IS NULL OR (m.created_at, m.id) <
              (SELECT b.created_at, b.id FROM messages b WHERE b.id = $3 AND b.conversation_id = $2))
       ORDER BY m.created_at DESC, m.id DESC
       LIMIT $4`,
      [accountId, conversationId, opts.beforeId ?? null, clampLimit(opts.limit)],
    );
    return rows.map(toMessage).reverse();
  }

  /**
   * Moves the aggregate delivery status forward only (sent → delivered → read); a late `delivered`
   * after `read` changes nothing. Null when the message is not found in this account.
   */
  async setStatus(accountId: string, id: string, status: DeliveryStatus): Promise<{ message: Message; changed: boolean } | null> {
    const rows = await this.q.query<MessageRow>(
      `UPDATE messages SET status = $3
       WHERE account_id = $1 AND id = $2 AND ${STATUS_RANK_SQL} < $4
       RETURNING *`,
      [accountId, id, status, STATUS_RANK[status]],
    );
    if (rows[0]) return { message: toMessage(rows[0]), changed: true };
    const current = await this.get(accountId, id);
    return current ? { message: current, changed: false } : null;
  }

  /**
   * Marks every message of the conversation up to and including `upToId` that was not sent by
   * `readerId` as read (or delivered); returns the ids that moved. For "seen up to here" receipts.
   */
  async advanceStatusUpTo(
    accountId: string,
    conversationId: string,
    upToId: string,
    status: Exclude<DeliveryStatus, 'sent'>,
    readerId: string,
  ): Promise<string[]> {
    const rows = await this.q.query<{ id: string }>(
      `UPDATE messages m SET status = $4
       WHERE m.account_id = $1 AND m.conversation_id = $2
         AND (m.created_at, m.id) <= (SELECT u.created_at, u.id FROM messages u WHERE u.id = $3 AND u.conversation_id = $2)
         AND m.sender_id IS DISTINCT FROM $6
         AND (CASE m.status WHEN 'sent' THEN 0 WHEN 'delivered' THEN 1 ELSE 2 END) < $5
       RETURNING m.id`,
      [accountId, conversationId, upToId, status, STATUS_RANK[status], readerId],
    );
    return rows.map((r) => r.id).sort();
  }
}
