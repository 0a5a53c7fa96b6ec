import type { Queryable } from '../db';
import { clampLimit, iso, jsonParam } from '../row-mapping';

/**
 * Who may read an event:
 * - `tenant`: everyone in the account;
 * - `staff`: admins, agents and viewers;
 * - `conversation`: staff, and the customer whose conversation it is (conversations.contact_id);
 * - `user`: only `userId`.
 */
export type EventAudience = 'tenant' | 'staff' | 'conversation' | 'user';

export interface AppendEventInput {
  /** Stable event id, also sent to clients for dedup. */
  id: string;
  accountId: string;
  type: string;
  audience: EventAudience;
  conversationId?: string | null;
  userId?: string | null;
  data: unknown;
}

export interface StoredEvent {
  seq: number;
  /** The account's previous event (null for its first, and for events written before migration 003). */
  prevSeq: number | null;
  id: string;
  accountId: string;
  type: string;
  audience: EventAudience;
  conversationId: string | null;
  userId: string | null;
  data: unknown;
  createdAt: string;
}

export interface EventViewer {
  isStaff: boolean;
  userId: string;
}

export interface EventRow {
  seq: number;
  prev_seq: number | null;
  id: string;
  account_id: string;
  type: string;
  audience: EventAudience;
  conversation_id: string | null;
  user_id: string | null;
  data: unknown;
  created_at: Date;
}

export function toStoredEvent(row: EventRow): StoredEvent {
  return {
    seq: row.seq,
    prevSeq: row.prev_seq ?? null,
    id: row.id,
    accountId: row.account_id,
    type: row.type,
    audience: row.audience,
    conversationId: row.conversation_id,
    userId: row.user_id,
    data: row.data,
    createdAt: iso(row.created_at),
  };
}

/** Namespace half of the two-key advisory lock that orders appends per account. */
export const EVENT_LOCK_NAMESPACE = 42_105_502;

/** Events of account $1 after seq $2 that a viewer ($3: staff, $4: user id) may see; customers' conversations resolved in SQL. */
const VISIBLE_AFTER = `e.account_id = $1 AND e.seq > $2
  AND (
    e.audience = 'tenant'
    OR (e.audience = 'staff' AND $3::boolean)
    OR (e.audience = 'conversation' AND ($3::boolean OR EXISTS (
          SELECT 1 FROM conversations c
          WHERE c.account_id = e.account_id AND c.id = e.conversation_id AND c.contact_id = $4)))
    OR (e.audience = 'user' AND e.user_id = $4)
  )`;

/**
 * The event log: the replay source for `GET /api/updates?since=SEQ` and reconnect catch-up, and a
 * transactional outbox for multi-node broadcasting (read by time, see outbox.ts).
 *
 * A reader resuming from `since` must never skip an event, so within an account `seq` has to follow
 * commit order. A bigserial alone does not (a transaction can take seq 10, commit after one that took
 * 11, and a reader in between would move past 10). append therefore takes a per-account transaction
 * advisory lock before drawing the seq, which holds until the surrounding transaction ends: append
 * events last in a transaction, so the lock is held briefly.
 */
export class EventLogRepo {
  constructor(private readonly q: Queryable) {}

  async append(input: AppendEventInput): Promise<{ seq: number; prevSeq: number | null; id: string; createdAt: string }> {
    // prev_seq and created_at are taken after the lock: the account's last event as of now (see migration 003),
    // and the time the seq was drawn rather than the transaction's start, which the outbox tailer's window relies on.
    const rows = await this.q.query<{ seq: number; prev_seq: number | null; id: string; created_at: Date }>(
      `WITH ordered AS (SELECT pg_advisory_xact_lock($1, hashtext($3)))
       INSERT INTO events (id, account_id, type, audience, conversation_id, user_id, data, prev_seq, created_at)
       SELECT $2, $3, $4, $5, $6, $7, $8::jsonb, switchboard_last_event_seq($3), clock_timestamp() FROM ordered
       RETURNING seq, prev_seq, id, created_at`,
      [
        EVENT_LOCK_NAMESPACE,
        input.id,
        input.accountId,
        input.type,
        input.audience,
        input.conversationId ?? null,
        input.userId ?? null,
        jsonParam(input.data ?? null) ?? 'null',
      ],
    );
    const row = rows[0] as { seq: number; prev_seq: number | null; id: string; created_at: Date };
    return { seq: row.seq, prevSeq: row.prev_seq ?? null, id: row.id, createdAt: iso(row.created_at) };
  }

  /** What `viewer` may see after `since`, oldest first. Customers' conversations are resolved here, in SQL. */
  async listVisible(accountId: string, since: number, viewer: EventViewer, limit?: number): Promise<StoredEvent[]> {
    const rows = await this.q.query<EventRow>(`SELECT e.* FROM events e WHERE ${VISIBLE_AFTER} ORDER BY e.seq LIMIT $5`, [
      accountId,
      Math.max(0, Math.trunc(since)),
      viewer.isStaff,
      viewer.userId,
      clampLimit(limit, 500, 1001),
    ]);
    return rows.map(toStoredEvent);
  }

  /** How many events `viewer` may see after `since`, counted up to `cap` (a bounded read, for "too far behind"). */
  async countVisible(accountId: string, since: number, viewer: EventViewer, cap: number): Promise<number> {
    const rows = await this.q.query<{ n: number | string }>(
      `SELECT count(*) AS n FROM (SELECT 1 FROM events e WHERE ${VISIBLE_AFTER} LIMIT $5) visible`,
      [accountId, Math.max(0, Math.trunc(since)), viewer.isStaff, viewer.userId, Math.max(0, Math.trunc(cap))],
    );
    return Number(rows[0]?.n ?? 0);
  }

  /** The highest seq in the account (0 when empty): where a fresh client starts. */
  async lastSeq(accountId: string): Promise<number> {
    const rows = await this.q.query<{ seq: number }>('SELECT COALESCE(max(seq), 0) AS seq FROM events WHERE account_id = $1', [accountId]);
    return rows[0]?.seq ?? 0;
  }
}
