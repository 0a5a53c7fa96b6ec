import type { TicketPriority, TicketStatus } from '@switchboard/protocol';

import type { Queryable } from '../db';
import { type TimeInput, timeParam } from '../row-mapping';

export interface TicketCountRow {
  status: TicketStatus;
  priority: TicketPriority;
  n: number;
  unassigned: number;
  createdSince: number;
  solvedSince: number;
}

export interface QueueRow {
  waiting: number;
  avgWaitSeconds: number;
  longestWaitSeconds: number;
}

export interface AgentLoadRow {
  userId: string;
  name: string | null;
  openConversations: number;
  openTickets: number;
}

export interface SlaCountRow {
  atRisk: number;
  breached: number;
  met: number;
}

/**
 * The dashboard's numbers, counted from stored rows on every read, so they
 * never drift from the tables the way running counters would. `now` is passed
 * in, so every number of one snapshot is taken at the same instant.
 */
export class DashboardMetricsRepo {
  constructor(private readonly q: Queryable) {}

  /** Ticket counts per status and priority; `createdSince` / `solvedSince` count from `since`. */
  async ticketCounts(accountId: string, since: TimeInput): Promise<TicketCountRow[]> {
    const rows = await this.q.query<{
      status: TicketStatus;
      priority: TicketPriority;
      n: number;
      unassigned: number;
      created_since: number;
      solved_since: number;
    }>(
      `SELECT status, priority, count(*)::int AS n,
              count(*) FILTER (WHERE assignee_id IS NULL)::int AS unassigned,
              count(*) FILTER (WHERE created_at >= $2::timestamptz)::int AS created_since,
              count(*) FILTER (WHERE resolved_at >= $2::timestamptz)::int AS solved_since
       FROM tickets WHERE account_id = $1
       GROUP BY status, priority`,
      [accountId, timeParam(since)],
    );
    return rows.map((r) => ({
      status: r.status,
      priority: r.priority,
      n: r.n,
      unassigned: r.unassigned,
      createdSince: r.created_since,
      solvedSince: r.solved_since,
    }));
  }

  /** Conversations waiting for a human: open or handed off, with nobody assigned. Waits in seconds since creation. */
  async queue(accountId: string, now: TimeInput): Promise<QueueRow> {
    const rows = await this.q.query<{ waiting: number; avg_wait: number | null; longest_wait: number | null }>(
      `SELECT count(*)::int AS waiting,
              avg(EXTRACT(EPOCH FROM ($2::timestamptz - created_at)))::float8 AS avg_wait,
              max(EXTRACT(EPOCH FROM ($2::timestamptz - created_at)))::float8 AS longest_wait
       FROM conversations
       WHERE account_id = $1 AND status IN ('OPEN', 'HANDED_OFF') AND assignee_id IS NULL`,
      [accountId, timeParam(now)],
    );
    const r = rows[0];
    return {
      waiting: r?.waiting ?? 0,
      avgWaitSeconds: Math.max(0, r?.avg_wait ?? 0),
      longestWaitSeconds: Math.max(0, r?.longest_wait ?? 0),
    };
  }

  /** Admins and agents with what is assigned to them and still open. */
  async agentLoad(accountId: string): Promise<AgentLoadRow[]> {
    const rows = await this.q.query<{ id: string; name: string | null; open_conversations: number; open_tickets: number }>(
      `SELECT u.id, u.name,
              (SELECT count(*)::int FROM conversations c
                WHERE c.account_id = u.account_id AND c.assignee_id = u.id AND c.status <> 'RESOLVED') AS open_conversations,
              (SELECT count(*)::int FROM tickets t
                WHERE t.account_id = u.account_id AND t.assignee_id = u.id AND t.status NOT IN ('solved', 'closed')) AS open_tickets
       FROM users u
       WHERE u.account_id = $1 AND u.role IN ('admin', 'agent')
       ORDER BY u.id`,
      [accountId],
    );
    return rows.map((r) => ({ userId: r.id, name: r.name, openConversations: r.open_conversations, openTickets: r.open_tickets }));
  }

  /**
   * SLA standing at `now`. A clock is breached when it ran out before its
   * event (first answer, resolution) or is still running past due; met tickets
   * are resolved ones with no breached clock; at risk are open tickets whose
   * running clock has passed `warningRatio` of its span without running out.
   */
  async sla(accountId: string, now: TimeInput, warningRatio: number): Promise<SlaCountRow> {
    const rows = await this.q.query<{ at_risk: number; breached: number; met: number }>(
      `WITH clocks AS (
         SELECT t.created_at,
                t.status NOT IN ('solved', 'closed') AS open,
                (t.sla_first_response_due_at IS NOT NULL
                   AND COALESCE(t.first_responded_at, t.resolved_at, $2::timestamptz) > t.sla_first_response_due_at)
                OR (t.sla_resolution_due_at IS NOT NULL
                   AND COALESCE(t.resolved_at, $2::timestamptz) > t.sla_resolution_due_at) AS breached,
                CASE WHEN t.first_responded_at IS NULL AND t.sla_first_response_due_at IS NOT NULL
                     THEN t.sla_first_response_due_at ELSE t.sla_resolution_due_at END AS due
         FROM tickets t WHERE t.account_id = $1
       )
       SELECT count(*) FILTER (WHERE open AND NOT breached AND due IS NOT NULL
                                 AND $2::timestamptz >= created_at + (due - created_at) * $3::float8)::int AS at_risk,
              count(*) FILTER (WHERE breached)::int AS breached,
              count(*) FILTER (WHERE NOT open AND NOT breached)::int AS met
       FROM clocks`,
      [accountId, timeParam(now), warningRatio],
    );
    const r = rows[0];
    return { atRisk: r?.at_risk ?? 0, breached: r?.breached ?? 0, met: r?.met ?? 0 };
  }
}
