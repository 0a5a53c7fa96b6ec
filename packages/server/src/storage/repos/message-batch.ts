import type { Conversation, Message } from '@switchboard/protocol';

import type { Queryable } from '../db';
import { newId } from '../ids';
import { type ConversationRow, toConversation } from './conversations';
import { type InsertMessageInput, type MessageRow, toMessage } from './messages';

export interface BatchMessageInput extends InsertMessageInput {
  /** Who wrote it, for the audit row. */
  actorId: string | null;
  /**
   * Set for customers: the message is written only when the conversation's contact is still this
   * id. The right to write is decided by the write itself, under the conversation's row lock, so a
   * cached answer can never let a revoked right through.
   */
  requiredContactId: string | null;
}

export type BatchMessageOutcome =
  | { kind: 'created'; message: Message; conversation: Conversation; ticketed: boolean }
  /** A retry: the message stored earlier under the same clientMessageId, externalId or id. */
  | { kind: 'duplicate'; message: Message }
  | { kind: 'not_found' }
  /** The conversation's contact is not the sender (a customer): `contactId` is who it is. */
  | { kind: 'forbidden'; contactId: string | null };

/**
 * Stores many messages in one statement: locks their conversations (in one order), inserts the
 * messages in input order, moves each conversation's last_message_at on once, writes one audit row
 * per message and reads whether a ticket wraps each conversation. Retries (ON CONFLICT) are looked
 * up in a second statement only when there are any. Inputs must not repeat an idempotency key;
 * the write pipeline folds those first.
 *
 * created_at is clock_timestamp() per row, taken after the row locks and in input order (the
 * ordered subquery is scanned in order), so `(created_at, id)` keeps both commit order across
 * transactions and input order within this one.
 *
 * Both reads of `conversations` go by primary key whatever the planner knows of the table (PGlite
 * never gathers statistics: no autovacuum runs there). `id = ANY (ARRAY(...))` gives the lock an
 * index condition, where the `IN` alone was planned as a scan of every conversation; the update
 * joins on `id` alone (a message row exists only for a conversation of its own account, matched
 * in `conv`), where `account_id` too let the planner walk a tenant's conversations by an index on
 * account_id (docs/decisions.md, "Embedded chat latency").
 */
export async function appendMessages(q: Queryable, inputs: readonly BatchMessageInput[]): Promise<BatchMessageOutcome[]> {
  if (inputs.length === 0) return [];
  const ids = inputs.map((i) => i.id ?? newId());
  const [row] = await q.query<{
    messages: Array<[string, string]>;
    conversations: Array<ConversationRow & { ticketed: boolean }>;
    found: Array<{ account_id: string; id: string; contact_id: string | null }>;
  }>(
    `WITH input AS (
       SELECT r->>'id' AS id, r->>'a' AS account_id, r->>'c' AS conversation_id, r->>'r' AS role, r->>'s' AS sender_id,
              r->>'b' AS content, r->>'t' AS content_type, r->>'k' AS client_message_id, r->>'x' AS external_id,
              r->>'m' AS media_url, r->>'st' AS status, (r->>'cf')::float8 AS confidence, (r->>'l')::int AS latency_ms,
              r->'at' AS attachments, r->>'ac' AS actor_id, r->>'rc' AS required_contact, ord
       FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS j(r, ord)
     ), conv AS (
       SELECT c.account_id, c.id, c.contact_id FROM conversations c
       WHERE c.id = ANY (ARRAY(SELECT conversation_id FROM input))
         AND (c.account_id, c.id) IN (SELECT account_id, conversation_id FROM input)
       ORDER BY c.account_id, c.id
       FOR NO KEY UPDATE
     ), msg AS (
       INSERT INTO messages (id, account_id, conversation_id, role, sender_id, content, content_type,
                             client_message_id, external_id, media_url, attachments, status, confidence, latency_ms, created_at)
       SELECT id, account_id, conversation_id, role, sender_id, content, content_type,
              client_message_id, external_id, media_url, attachments, status, confidence, latency_ms, clock_timestamp()
       FROM (
         SELECT i.* FROM input i JOIN conv c ON c.account_id = i.account_id AND c.id = i.conversation_id
         WHERE i.required_contact IS NULL OR c.contact_id = i.required_contact
         ORDER BY i.ord OFFSET 0
       ) ordered
       ON CONFLICT DO NOTHING
       RETURNING *
     ), touched AS (
       UPDATE conversations c
       SET last_message_at = GREATEST(c.last_message_at, m.at), updated_at = now()
       FROM (SELECT account_id, conversation_id, max(created_at) AS at FROM msg GROUP BY account_id, conversation_id) m
       WHERE c.id = m.conversation_id
       RETURNING c.*
     ), audited AS (
       INSERT INTO conversation_events (account_id, conversation_id, type, actor_id, data)
       SELECT m.account_id, m.conversation_id, 'message', i.actor_id, jsonb_build_object('messageId', m.id, 'role', m.role)
       FROM msg m JOIN input i ON i.id = m.id
       RETURNING id
     )
     SELECT COALESCE((SELECT jsonb_agg(jsonb_build_array(m.id, m.created_at)) FROM msg m), '[]'::jsonb) AS messages,
            COALESCE((SELECT jsonb_agg(to_jsonb(t.*) || jsonb_build_object('ticketed', EXISTS (
                        SELECT 1 FROM tickets k WHERE k.account_id = t.account_id AND k.conversation_id = t.id)))
                      FROM touched t), '[]'::jsonb) AS conversations,
            COALESCE((SELECT jsonb_agg(to_jsonb(c.*)) FROM conv c), '[]'::jsonb) AS found,
            (SELECT count(*) FROM audited) AS audited`,
    [encodeBatchInputs(inputs, ids)],
  );
  // Only ids and times come back: the rest of each stored message is its input.
  const stored = new Map((row?.messages ?? []).map(([id, createdAt]) => [id, createdAt]));
  const conversations = new Map(
    (row?.conversations ?? []).map((c) => [`${c.account_id}\u0000${c.id}`, { conversation: toConversation(c), ticketed: c.ticketed }]),
  );
  const found = new Map((row?.found ?? []).map((c) => [`${c.account_id}\u0000${c.id}`, c.contact_id]));

  const outcomes: Array<BatchMessageOutcome | null> = inputs.map((input, n) => {
    const key = `${input.accountId}\u0000${input.conversationId}`;
    const createdAt = stored.get(ids[n]!);
    const conv = conversations.get(key);
    if (createdAt !== undefined && conv) {
      const message = storedMessage(input, ids[n]!, createdAt);
      // Each message's event carries the conversation as of that message.
      return {
        kind: 'created',
        message,
        conversation: { ...conv.conversation, lastMessageAt: message.createdAt },
        ticketed: conv.ticketed,
      };
    }
    return unstoredOutcome(input, found.has(key), found.get(key) ?? null);
  });
  return resolveRetries(q, inputs, outcomes);
}

/**
 * Why an input stored nothing: its conversation is missing (`found` false) or not the sender's, or
 * null when it was a retry of a stored message (see {@link resolveRetries}).
 */
export function unstoredOutcome(input: BatchMessageInput, found: boolean, contactId: string | null): BatchMessageOutcome | null {
  if (!found) return { kind: 'not_found' };
  if (input.requiredContactId !== null && contactId !== input.requiredContactId) return { kind: 'forbidden', contactId };
  return null;
}

/** Fills in the retries (null outcomes) with the messages stored under their keys, in one statement when there are any. */
export async function resolveRetries(
  q: Queryable,
  inputs: readonly BatchMessageInput[],
  outcomes: Array<BatchMessageOutcome | null>,
): Promise<BatchMessageOutcome[]> {
  const retried = inputs.map((input, n) => ({ input, n })).filter(({ n }) => outcomes[n] === null);
  if (retried.length > 0) {
    const existing = await findStored(
      q,
      retried.map(({ input }) => input),
    );
    retried.forEach(({ n }, k) => {
      const message = existing[k];
      outcomes[n] = message ? { kind: 'duplicate', message } : { kind: 'not_found' };
    });
  }
  return outcomes as BatchMessageOutcome[];
}

/**
 * The inputs as one JSON document, with their message ids (and, for the one-statement flush, their
 * event ids): one encoding, parsed once by the database, where fifteen text[] parameters had the
 * driver escape every element (each message's content among them).
 */
export function encodeBatchInputs(inputs: readonly BatchMessageInput[], ids: readonly string[], eventIds?: readonly string[]): string {
  return JSON.stringify(
    inputs.map((i, n) => ({
      id: ids[n],
      ...(eventIds ? { e: eventIds[n] } : {}),
      a: i.accountId,
      c: i.conversationId,
      r: i.role,
      s: i.senderId ?? null,
      b: i.content,
      t: i.contentType ?? 'text',
      k: i.clientMessageId ?? null,
      x: i.externalId ?? null,
      m: i.mediaUrl ?? null,
      ...(i.attachments?.length ? { at: i.attachments } : {}),
      st: i.status ?? 'sent',
      cf: i.confidence ?? null,
      l: i.latencyMs ?? null,
      ac: i.actorId,
      rc: i.requiredContactId,
    })),
  );
}

/** A stored message as the wire shape, from its input: only its id and time come from the database. */
export function storedMessage(input: BatchMessageInput, id: string, createdAt: Date | string): Message {
  return toMessage({
    id,
    account_id: input.accountId,
    conversation_id: input.conversationId,
    role: input.role,
    sender_id: input.senderId ?? null,
    content: input.content,
    content_type: input.contentType ?? 'text',
    client_message_id: input.clientMessageId ?? null,
    external_id: input.externalId ?? null,
    media_url: input.mediaUrl ?? null,
    attachments: input.attachments ?? null,
    status: input.status ?? 'sent',
    confidence: input.confidence ?? null,
    latency_ms: input.latencyMs ?? null,
    created_at: createdAt,
  });
}

/** For each input, the message a retry hit (same clientMessageId in its conversation, externalId or id), oldest first. */
async function findStored(q: Queryable, inputs: readonly BatchMessageInput[]): Promise<Array<Message | undefined>> {
  const rows = await q.query<{ ord: number; message: MessageRow }>(
    `SELECT DISTINCT ON (i.ord) i.ord, to_jsonb(m.*) AS message
     FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[]) WITH ORDINALITY AS i(account_id, conversation_id, client_message_id, external_id, id, ord)
     JOIN messages m ON m.account_id = i.account_id
       AND ((m.conversation_id = i.conversation_id AND m.client_message_id = i.client_message_id) OR m.external_id = i.external_id OR m.id = i.id)
     ORDER BY i.ord, m.created_at, m.id`,
    [
      inputs.map((i) => i.accountId),
      inputs.map((i) => i.conversationId),
      inputs.map((i) => i.clientMessageId ?? null),
      inputs.map((i) => i.externalId ?? null),
      inputs.map((i) => i.id ?? null),
    ],
  );
  const byOrd = new Map(rows.map((r) => [Number(r.ord), toMessage(r.message)]));
  return inputs.map((_, k) => byOrd.get(k + 1));
}
