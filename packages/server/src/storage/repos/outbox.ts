import type { Queryable } from '../db';
import { type EventRow, type StoredEvent, toStoredEvent } from './event-log';

export interface RecentSeqs {
  /** The database's clock when the window was read; windows are reckoned on this clock only. */
  now: Date;
  /** Seqs written in the window, ascending. */
  seqs: number[];
}

/**
 * The event log read as an outbox by the nodes of a cluster: which events were written in a recent
 * time window, whoever wrote them, so a node can broadcast those it has not heard of (their node died
 * before relaying them, or the relay was down). Windows are by `created_at`, never by seq: across
 * accounts a lower seq can commit after a higher one, and a seq cursor would step over it.
 */
export class OutboxRepo {
  constructor(private readonly q: Queryable) {}

  /**
   * Seqs written after `from` (or in the last `spanMs` when `from` is null or older than that) and at
   * least `minAgeMs` ago.
   */
  async recentSeqs(from: Date | null, spanMs: number, minAgeMs: number): Promise<RecentSeqs> {
    const rows = await this.q.query<{ now: Date; seq: number | null }>(
      `WITH clock AS (SELECT statement_timestamp() AS now)
       SELECT clock.now, e.seq FROM clock
       LEFT JOIN events e
         ON e.created_at > GREATEST(COALESCE($1::timestamptz, '-infinity'::timestamptz), clock.now - make_interval(secs => $2::double precision / 1000))
        AND e.created_at <= clock.now - make_interval(secs => $3::double precision / 1000)
       ORDER BY e.seq`,
      [from ? from.toISOString() : null, Math.max(0, spanMs), Math.max(0, minAgeMs)],
    );
    const now = rows[0]?.now ?? new Date();
    const seqs: number[] = [];
    for (const r of rows) if (r.seq !== null) seqs.push(r.seq);
    return { now: now instanceof Date ? now : new Date(now), seqs };
  }

  /** The events with these seqs, ascending. */
  async bySeqs(seqs: readonly number[]): Promise<StoredEvent[]> {
    if (seqs.length === 0) return [];
    const rows = await this.q.query<EventRow>('SELECT * FROM events WHERE seq = ANY($1::bigint[]) ORDER BY seq', [[...seqs]]);
    return rows.map(toStoredEvent);
  }

  /** The highest seq of any account (0 when empty). */
  async maxSeq(): Promise<number> {
    const rows = await this.q.query<{ seq: number }>('SELECT COALESCE(max(seq), 0) AS seq FROM events');
    return rows[0]?.seq ?? 0;
  }
}
