import type { Queryable } from '../db';
import { iso, jsonParam } from '../row-mapping';
import { EVENT_LOCK_NAMESPACE, type AppendEventInput } from './event-log';

export interface AppendedEvent {
  seq: number;
  prevSeq: number | null;
  id: string;
  createdAt: string;
}

/**
 * Appends many events in two statements, whatever their number and accounts: the write pipeline's
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
  // `done` scans every lock first, so the seqs and the accounts' last events are read after all of them.
  // switchboard_last_event_seq is VOLATILE: a fresh snapshot that sees appends committed during the wait.
  const [drawn] = await q.query<{ prevs: Record<string, number | null>; seqs: number[] }>(
    `WITH locked AS MATERIALIZED (
       SELECT a, pg_advisory_xact_lock($1, hashtext(a)) AS l FROM unnest($2::text[]) AS u(a)
     ), done AS MATERIALIZED (SELECT count(*) AS n FROM locked)
     SELECT (SELECT jsonb_object_agg(a, switchboard_last_event_seq(a)) FROM locked, done) AS prevs,
            ARRAY(SELECT nextval(pg_get_serial_sequence('events', 'seq')) FROM done, generate_series(1, $3::int)) AS seqs`,
    [EVENT_LOCK_NAMESPACE, accounts, inputs.length],
  );
  if (!drawn) throw new Error('drawing event seqs returned nothing');
  const seqs = drawn.seqs.map(Number).sort((a, b) => a - b);
  const last = new Map<string, number | null>(accounts.map((a) => [a, drawn.prevs[a] ?? null]));
  const prevSeqs = inputs.map((e, i) => {
    const prev = last.get(e.accountId) ?? null;
    last.set(e.accountId, seqs[i]!);
    return prev;
  });
  // created_at is taken here, after the locks: the outbox tailer's window relies on it (see EventLogRepo.append).
  const rows = await q.query<{ seq: number; created_at: Date | string }>(
    `INSERT INTO events (seq, id, account_id, type, audience, conversation_id, user_id, data, prev_seq, created_at)
     SELECT seq, id, account_id, type, audience, conversation_id, user_id, data::jsonb, prev_seq, clock_timestamp()
     FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::bigint[])
       AS u(seq, id, account_id, type, audience, conversation_id, user_id, data, prev_seq)
     RETURNING seq, created_at`,
    [
      seqs,
      inputs.map((e) => e.id),
      inputs.map((e) => e.accountId),
      inputs.map((e) => e.type),
      inputs.map((e) => e.audience),
      inputs.map((e) => e.conversationId ?? null),
      inputs.map((e) => e.userId ?? null),
      inputs.map((e) => jsonParam(e.data ?? null) ?? 'null'),
      prevSeqs,
    ],
  );
  const createdAt = new Map(rows.map((r) => [Number(r.seq), iso(r.created_at)]));
  return inputs.map((e, i) => ({ seq: seqs[i]!, prevSeq: prevSeqs[i]!, id: e.id, createdAt: createdAt.get(seqs[i]!) ?? new Date().toISOString() }));
}
