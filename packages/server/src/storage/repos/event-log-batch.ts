import type { Queryable } from '../db';
import { iso } from '../row-mapping';
import { type AppendEventInput, EVENT_LOCK_NAMESPACE } from './event-log';

export interface AppendedEvent {
  seq: number;
  prevSeq: number | null;
  id: string;
  createdAt: string;
}

/**
 * Appends many events in one statement, whatever their number and accounts: the write pipeline's
 * event log (docs/decisions.md, "The write pipeline").
 *
 * The guarantees are those of {@link EventLogRepo.append}: every account of the batch is locked
 * (in one order, so two batches never wait for each other in a cycle) before any seq is drawn, and
 * the locks hold until commit, so within an account seq follows commit order. The batch draws all
 * its seqs at once, after the locks, and hands them out in input order, so one account's events keep
 * the order they were given in and each names the one before it (`prev_seq`).
 */
export async function appendEvents(q: Queryable, inputs: readonly AppendEventInput[]): Promise<AppendedEvent[]> {
  if (inputs.length === 0) return [];
  const accounts = [...new Set(inputs.map((e) => e.accountId))].sort();
  // For each event, the position (1-based) of its account's previous event in this batch, 0 for none.
  const lastAt = new Map<string, number>();
  const prevOrd = inputs.map((e, i) => {
    const prev = lastAt.get(e.accountId) ?? 0;
    lastAt.set(e.accountId, i + 1);
    return prev;
  });
  // One statement: `done` takes every lock before anything else is read or drawn. The locks are taken
  // in the "C" collation's order, like the one-statement flush's (message-flush.ts), whatever order
  // the caller sorted in, so the two forms never wait for each other in a cycle. The seqs are drawn
  // after the locks and handed out in input order (the k-th smallest to the k-th event), whatever order
  // nextval ran in. switchboard_last_event_seq is VOLATILE: a fresh snapshot that sees appends
  // committed while this one waited for a lock. created_at is taken after the locks too: the outbox
  // tailer's window relies on it (see EventLogRepo.append).
  const rows = await q.query<{ seq: number; prev_seq: number | null; id: string; created_at: Date | string }>(
    `WITH locked AS MATERIALIZED (
       SELECT a, pg_advisory_xact_lock($1, hashtext(a)) AS l FROM (SELECT a FROM unnest($2::text[]) AS u(a) ORDER BY a COLLATE "C") u
     ), done AS MATERIALIZED (SELECT count(*) AS n FROM locked),
     prevs AS MATERIALIZED (SELECT a, switchboard_last_event_seq(a) AS prev FROM locked, done),
     drawn AS MATERIALIZED (
       SELECT array_agg(s ORDER BY s) AS seqs FROM (SELECT nextval(pg_get_serial_sequence('events', 'seq')) AS s FROM done, generate_series(1, $3::int)) x
     )
     INSERT INTO events (seq, id, account_id, type, audience, conversation_id, user_id, data, prev_seq, created_at)
     SELECT drawn.seqs[u.ord], u.r->>'id', u.r->>'a', u.r->>'t', u.r->>'au', u.r->>'c', u.r->>'u', u.r->'d',
            CASE WHEN (u.r->>'p')::int > 0 THEN drawn.seqs[(u.r->>'p')::int] ELSE prevs.prev END, clock_timestamp()
     FROM jsonb_array_elements($4::jsonb) WITH ORDINALITY AS u(r, ord)
     JOIN prevs ON prevs.a = u.r->>'a'
     CROSS JOIN drawn
     RETURNING seq, prev_seq, id, created_at`,
    [
      EVENT_LOCK_NAMESPACE,
      accounts,
      inputs.length,
      // The rows as one JSON document: each event's data is encoded once, inside it, rather than to a
      // string of its own that the driver then escapes again as an element of a text[] literal.
      JSON.stringify(
        inputs.map((e, i) => ({
          id: e.id,
          a: e.accountId,
          t: e.type,
          au: e.audience,
          c: e.conversationId ?? null,
          u: e.userId ?? null,
          d: e.data ?? null,
          p: prevOrd[i],
        })),
      ),
    ],
  );
  const byId = new Map(rows.map((r) => [r.id, r]));
  return inputs.map((e) => {
    const row = byId.get(e.id);
    if (!row) throw new Error('an appended event did not come back');
    return {
      seq: Number(row.seq),
      prevSeq: row.prev_seq === null ? null : Number(row.prev_seq),
      id: row.id,
      createdAt: iso(row.created_at),
    };
  });
}
