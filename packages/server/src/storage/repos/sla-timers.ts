import type { Queryable } from '../db';
import { newId } from '../ids';
import { clampLimit, iso, isoOrNull, type TimeInput, timeParam } from '../row-mapping';

export type SlaTimerKind = 'warning' | 'breach';

export interface SlaTimer {
  id: string;
  accountId: string;
  ticketId: string;
  kind: SlaTimerKind;
  fireAt: string;
  firedAt: string | null;
  claimedBy: string | null;
  claimedAt: string | null;
}

interface SlaTimerRow {
  id: string;
  account_id: string;
  ticket_id: string;
  kind: SlaTimerKind;
  fire_at: Date;
  fired_at: Date | null;
  claimed_by: string | null;
  claimed_at: Date | null;
}

function toSlaTimer(row: SlaTimerRow): SlaTimer {
  return {
    id: row.id,
    accountId: row.account_id,
    ticketId: row.ticket_id,
    kind: row.kind,
    fireAt: iso(row.fire_at),
    firedAt: isoOrNull(row.fired_at),
    claimedBy: row.claimed_by,
    claimedAt: isoOrNull(row.claimed_at),
  };
}

/** How long a claim holds before another node may take the timer over (its claimer presumably died). */
export const DEFAULT_CLAIM_LEASE_MS = 60_000;

/**
 * Persisted SLA timers that fire once across all nodes: each node polls claimDue, handles what it
 * got, then calls markFired. A claim that is not marked fired within the lease becomes claimable
 * again, so a node dying mid-way delays a timer rather than losing it.
 */
export class SlaTimersRepo {
  constructor(private readonly q: Queryable) {}

  /**
   * Sets (or moves) the ticket's timer of this kind and makes it pending again, even if it had
   * fired. Null when the ticket is not in this account.
   */
  async arm(input: { accountId: string; ticketId: string; kind: SlaTimerKind; fireAt: TimeInput }): Promise<SlaTimer | null> {
    const rows = await this.q.query<SlaTimerRow>(
      `INSERT INTO sla_timers (id, account_id, ticket_id, kind, fire_at)
       SELECT $1, t.account_id, t.id, $4, $5::timestamptz FROM tickets t WHERE t.account_id = $2 AND t.id = $3
       ON CONFLICT (ticket_id, kind) DO UPDATE
         SET fire_at = excluded.fire_at, fired_at = NULL, claimed_by = NULL, claimed_at = NULL
       RETURNING *`,
      [newId(), input.accountId, input.ticketId, input.kind, timeParam(input.fireAt)],
    );
    return rows[0] ? toSlaTimer(rows[0]) : null;
  }

  /** Removes the ticket's pending timers (one kind, or both). Returns how many were removed. */
  async cancel(accountId: string, ticketId: string, kind?: SlaTimerKind): Promise<number> {
    const rows = await this.q.query(
      `DELETE FROM sla_timers
       WHERE account_id = $1 AND ticket_id = $2 AND fired_at IS NULL AND ($3::text IS NULL OR kind = $3)
       RETURNING id`,
      [accountId, ticketId, kind ?? null],
    );
    return rows.length;
  }

  /**
   * Claims up to `limit` due, unfired timers for `nodeId`, earliest first. Concurrent callers get
   * disjoint sets: rows another claimer has locked are skipped, and rows it claimed no longer match.
   */
  async claimDue(now: TimeInput, nodeId: string, limit = 100, leaseMs: number = DEFAULT_CLAIM_LEASE_MS): Promise<SlaTimer[]> {
    const at = timeParam(now);
    const rows = await this.q.query<SlaTimerRow>(
      `UPDATE sla_timers SET claimed_by = $2, claimed_at = $1::timestamptz
       WHERE id IN (
         SELECT id FROM sla_timers
         WHERE fired_at IS NULL AND fire_at <= $1::timestamptz
           AND (claimed_at IS NULL OR claimed_at <= $1::timestamptz - make_interval(secs => $4::double precision / 1000))
         ORDER BY fire_at, id
         LIMIT $3
         FOR UPDATE SKIP LOCKED
       )
       RETURNING *`,
      [at, nodeId, clampLimit(limit, 100, 1000), leaseMs],
    );
    return rows.map(toSlaTimer).sort((a, b) => (a.fireAt < b.fireAt ? -1 : a.fireAt > b.fireAt ? 1 : 0));
  }

  /** True when this call marked it; false when it had already fired (or was re-armed since the claim by another node). */
  async markFired(id: string, nodeId?: string): Promise<boolean> {
    const rows = await this.q.query(
      `UPDATE sla_timers SET fired_at = now()
       WHERE id = $1 AND fired_at IS NULL AND ($2::text IS NULL OR claimed_by = $2)
       RETURNING id`,
      [id, nodeId ?? null],
    );
    return rows.length > 0;
  }

  /** When the earliest pending timer is due, so a node can sleep until then. Null when none is pending. */
  async nextDueAt(): Promise<string | null> {
    const rows = await this.q.query<{ at: Date | null }>('SELECT min(fire_at) AS at FROM sla_timers WHERE fired_at IS NULL');
    return isoOrNull(rows[0]?.at);
  }

  async listForTicket(accountId: string, ticketId: string): Promise<SlaTimer[]> {
    const rows = await this.q.query<SlaTimerRow>(
      'SELECT * FROM sla_timers WHERE account_id = $1 AND ticket_id = $2 ORDER BY fire_at, kind',
      [accountId, ticketId],
    );
    return rows.map(toSlaTimer);
  }
}
