import type { Conversation } from '@switchboard/protocol';

import type { Queryable } from '../db';
import { newId } from '../ids';
import { EVENT_LOCK_NAMESPACE } from './event-log';
import type { AppendedEvent } from './event-log-batch';
import {
  type BatchMessageInput,
  type BatchMessageOutcome,
  encodeBatchInputs,
  resolveRetries,
  storedMessage,
  unstoredOutcome,
} from './message-batch';

/** What {@link flushMessages} did: the outcomes, or nothing at all when a conversation must be reopened first. */
export type MessageFlushResult =
  | {
      reopen: false;
      /** Per input; a `created` one has its logged `message.created` event in `events` at the same position. */
      outcomes: BatchMessageOutcome[];
      events: Array<AppendedEvent | null>;
    }
  /** A customer writes into a resolved conversation: nothing was written; the caller takes the transactional path. */
  | { reopen: true };

/** A timestamptz as the wire's ISO text (`toISOString()`: UTC, milliseconds truncated, `Z`), whatever the session's time zone. */
const isoText = (expr: string) => `to_char((${expr}) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/**
 * A conversations row as the wire's `Conversation` (toConversation in conversations.ts) without its
 * `lastMessageAt`, which each message's event sets to that message's time: built once per
 * conversation of the flush, not once per message.
 */
const conversationJson = (c: string) =>
  `jsonb_build_object('id', ${c}.id, 'accountId', ${c}.account_id, 'contactId', ${c}.contact_id, 'status', ${c}.status,
     'assigneeId', ${c}.assignee_id, 'teamId', ${c}.team_id, 'subject', ${c}.subject, 'channelType', ${c}.channel_type,
     'classification', ${c}.classification, 'createdAt', ${isoText(`${c}.created_at`)}, 'updatedAt', ${isoText(`${c}.updated_at`)})`;

/**
 * The write pipeline's flush as ONE statement (docs/decisions.md, "PostgreSQL: a flush in one
 * statement"): what appendMessages (message-batch.ts) and appendEvents (event-log-batch.ts) do in two
 * statements of one transaction, with the `message.created` event rows built in SQL. Run outside a
 * transaction it is its own (implicit) transaction: one round trip, and the conversations' row locks
 * and the accounts' append locks are released by the commit that ends the statement, never held
 * while the node works.
 *
 * The order of the locks is the two statements' order, enforced by what each step reads: `conv`
 * locks the batch's conversations (sorted); the messages are inserted from a sort over the locked
 * rows (so every row lock is taken first) in input order with clock_timestamp() per row; the
 * accounts' advisory locks are taken (sorted, in the "C" collation like event-log-batch.ts) over the
 * inserted rows, so after every row lock and insert; the seqs are drawn and each account's last seq
 * read (VOLATILE, a fresh snapshot) only after every advisory lock. Within an account seq therefore
 * still follows commit order, and no two flushes wait for each other in a cycle.
 *
 * A customer's message into a RESOLVED conversation reopens it (another statement and another event
 * in the node); that is rare, so the statement then writes nothing (`gate`) and answers `reopen`,
 * and the caller runs the two-statement transaction instead. Retries (ON CONFLICT) are looked up
 * after the commit, in a statement of their own, only when there are any; a retry never has an
 * event. The event rows' JSON is what `JSON.stringify` of the node's `message.created` event gives
 * (test/storage/message-flush.test.ts compares them).
 */
export async function flushMessages(q: Queryable, inputs: readonly BatchMessageInput[]): Promise<MessageFlushResult> {
  if (inputs.length === 0) return { reopen: false, outcomes: [], events: [] };
  const ids = inputs.map((i) => i.id ?? newId());
  const eventIds = inputs.map(() => newId());
  const [row] = await q.query<{
    reopen: boolean;
    messages: Array<[string, string]>;
    conversations: Array<Conversation & { ticketed: boolean }>;
    found: Array<{ account_id: string; id: string; contact_id: string | null }>;
    events: Array<[string, number, number | null, string]>;
  }>(
    `WITH input AS (
       SELECT r->>'id' AS id, r->>'e' AS event_id, r->>'a' AS account_id, r->>'c' AS conversation_id, r->>'r' AS role,
              r->>'s' AS sender_id, r->>'b' AS content, r->>'t' AS content_type, r->>'k' AS client_message_id,
              r->>'x' AS external_id, r->>'m' AS media_url, r->>'st' AS status, (r->>'cf')::float8 AS confidence,
              (r->>'l')::int AS latency_ms, r->'at' AS attachments, r->>'ac' AS actor_id, r->>'rc' AS required_contact, r, ord
       FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS j(r, ord)
     ), conv AS (
       SELECT c.account_id, c.id, c.contact_id, c.status FROM conversations c
       WHERE c.id = ANY (ARRAY(SELECT conversation_id FROM input))
         AND (c.account_id, c.id) IN (SELECT account_id, conversation_id FROM input)
       ORDER BY c.account_id, c.id
       FOR NO KEY UPDATE
     ), allowed AS MATERIALIZED (
       SELECT i.*, c.status AS conversation_status FROM input i JOIN conv c ON c.account_id = i.account_id AND c.id = i.conversation_id
       WHERE i.required_contact IS NULL OR c.contact_id = i.required_contact
     ), gate AS MATERIALIZED (
       SELECT NOT EXISTS (SELECT 1 FROM allowed WHERE role = 'USER' AND conversation_status = 'RESOLVED') AS go
     ), msg AS (
       INSERT INTO messages (id, account_id, conversation_id, role, sender_id, content, content_type,
                             client_message_id, external_id, media_url, attachments, status, confidence, latency_ms, created_at)
       SELECT id, account_id, conversation_id, role, sender_id, content, content_type,
              client_message_id, external_id, media_url, attachments, status, confidence, latency_ms, clock_timestamp()
       FROM (SELECT a.* FROM allowed a, gate WHERE gate.go ORDER BY a.ord OFFSET 0) ordered
       ON CONFLICT DO NOTHING
       RETURNING id, account_id, conversation_id, role, created_at
     ), touched AS (
       UPDATE conversations c
       SET last_message_at = GREATEST(c.last_message_at, m.at), updated_at = now()
       FROM (SELECT account_id, conversation_id, max(created_at) AS at FROM msg GROUP BY account_id, conversation_id) m
       WHERE c.id = m.conversation_id
       RETURNING c.id, c.last_message_at,
                 EXISTS (SELECT 1 FROM tickets k WHERE k.account_id = c.account_id AND k.conversation_id = c.id) AS ticketed,
                 ${conversationJson('c')} AS j
     ), convs AS MATERIALIZED (
       SELECT jsonb_object_agg(t.id, jsonb_build_object('type', 'message.created', 'accountId', t.j->'accountId',
                                                         'conversation', t.j, 'ticketed', t.ticketed)) AS byid
       FROM touched t
     ), audited AS (
       INSERT INTO conversation_events (account_id, conversation_id, type, actor_id, data)
       SELECT m.account_id, m.conversation_id, 'message', i.actor_id, jsonb_build_object('messageId', m.id, 'role', m.role)
       FROM msg m JOIN input i ON i.id = m.id
     ), created AS MATERIALIZED (
       SELECT x.*, lag(x.k) OVER (PARTITION BY x.account_id ORDER BY x.k) AS prev_k
       FROM (SELECT m.id, m.account_id, m.conversation_id, ${isoText('m.created_at')} AS created_at, i.event_id, i.r,
                    row_number() OVER (ORDER BY i.ord) AS k
             FROM msg m JOIN input i ON i.id = m.id) x
     ), locked AS MATERIALIZED (
       SELECT a, pg_advisory_xact_lock($2, hashtext(a)) AS l
       FROM (SELECT a FROM (SELECT DISTINCT account_id AS a FROM created) d ORDER BY a COLLATE "C") u
     ), done AS MATERIALIZED (SELECT count(*) AS n FROM locked),
     prevs AS MATERIALIZED (SELECT a, switchboard_last_event_seq(a) AS prev FROM locked, done),
     drawn AS MATERIALIZED (
       SELECT array_agg(s ORDER BY s) AS seqs
       FROM (SELECT nextval(pg_get_serial_sequence('events', 'seq')) AS s
             FROM done, generate_series(1, (SELECT count(*) FROM created)::int)) x
     ), logged AS (
       INSERT INTO events (seq, id, account_id, type, audience, conversation_id, user_id, data, prev_seq, created_at)
       SELECT drawn.seqs[c.k], c.event_id, c.account_id, 'message.created', 'conversation', c.conversation_id, NULL,
              jsonb_set(v.byid->c.conversation_id, '{conversation,lastMessageAt}', to_jsonb(c.created_at))
              || jsonb_build_object('message', jsonb_build_object(
                  'id', c.id, 'conversationId', c.conversation_id, 'accountId', c.account_id, 'role', c.r->'r',
                  'senderId', c.r->'s', 'content', c.r->'b', 'contentType', c.r->'t', 'clientMessageId', c.r->'k',
                  'externalId', c.r->'x', 'mediaUrl', c.r->'m', 'status', c.r->'st', 'confidence', c.r->'cf',
                  'latencyMs', c.r->'l', 'createdAt', c.created_at)
                  || CASE WHEN c.r ? 'at' THEN jsonb_build_object('attachments', c.r->'at') ELSE '{}'::jsonb END),
              CASE WHEN c.prev_k IS NULL THEN p.prev ELSE drawn.seqs[c.prev_k] END, clock_timestamp()
       FROM created c
       JOIN prevs p ON p.a = c.account_id
       CROSS JOIN convs v
       CROSS JOIN drawn
       RETURNING id, seq, prev_seq, created_at
     )
     SELECT NOT (SELECT go FROM gate) AS reopen,
            COALESCE((SELECT jsonb_agg(jsonb_build_array(c.id, c.created_at)) FROM created c), '[]'::jsonb) AS messages,
            COALESCE((SELECT jsonb_agg(t.j || jsonb_build_object('lastMessageAt', ${isoText('t.last_message_at')}, 'ticketed', t.ticketed))
                      FROM touched t), '[]'::jsonb) AS conversations,
            COALESCE((SELECT jsonb_agg(to_jsonb(c.*)) FROM conv c), '[]'::jsonb) AS found,
            COALESCE((SELECT jsonb_agg(jsonb_build_array(e.id, e.seq, e.prev_seq, ${isoText('e.created_at')})) FROM logged e), '[]'::jsonb)
              AS events`,
    [encodeBatchInputs(inputs, ids, eventIds), EVENT_LOCK_NAMESPACE],
  );
  if (!row || row.reopen) return { reopen: true };

  const stored = new Map(row.messages.map(([id, createdAt]) => [id, createdAt]));
  const conversations = new Map(row.conversations.map((c) => [`${c.accountId}\u0000${c.id}`, c]));
  const found = new Map(row.found.map((c) => [`${c.account_id}\u0000${c.id}`, c.contact_id]));
  const logged = new Map(
    row.events.map(([id, seq, prevSeq, createdAt]) => [
      id,
      { id, seq: Number(seq), prevSeq: prevSeq === null ? null : Number(prevSeq), createdAt },
    ]),
  );
  const events: Array<AppendedEvent | null> = inputs.map(() => null);
  const outcomes: Array<BatchMessageOutcome | null> = inputs.map((input, n) => {
    const key = `${input.accountId}\u0000${input.conversationId}`;
    const createdAt = stored.get(ids[n]!);
    const conv = conversations.get(key);
    if (createdAt !== undefined && conv) {
      const event = logged.get(eventIds[n]!);
      if (!event) throw new Error('a stored message came back without its event');
      events[n] = event;
      const { ticketed, ...conversation } = conv;
      // Each message's event carries the conversation as of that message.
      return {
        kind: 'created',
        message: storedMessage(input, ids[n]!, createdAt),
        conversation: { ...conversation, lastMessageAt: createdAt },
        ticketed,
      };
    }
    return unstoredOutcome(input, found.has(key), found.get(key) ?? null);
  });
  // After the commit: a conflicting row that another transaction committed while this statement
  // waited for it is not in this statement's snapshot, but it is in the next one's.
  const resolved = await resolveRetries(q, inputs, outcomes);
  return { reopen: false, outcomes: resolved, events };
}
