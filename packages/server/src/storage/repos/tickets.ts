import type { Ticket, TicketPriority, TicketStatus } from '@switchboard/protocol';

import type { Queryable } from '../db';
import { newId } from '../ids';
import { clampLimit, iso, isoOrNull, type TimeInput, timeParamOrNull } from '../row-mapping';

export interface CreateTicketInput {
  accountId: string;
  subject: string;
  conversationId?: string | null;
  status?: TicketStatus;
  priority?: TicketPriority;
  assigneeId?: string | null;
  teamId?: string | null;
  slaFirstResponseDueAt?: TimeInput | null;
  slaResolutionDueAt?: TimeInput | null;
  /** Defaults to a new UUIDv7. */
  id?: string;
}

/** Fields left out are unchanged; null clears the nullable ones. */
export interface TicketPatch {
  subject?: string;
  status?: TicketStatus;
  priority?: TicketPriority;
  assigneeId?: string | null;
  teamId?: string | null;
  slaFirstResponseDueAt?: TimeInput | null;
  slaResolutionDueAt?: TimeInput | null;
  /** Recorded once: later values are ignored while one is stored. */
  firstRespondedAt?: TimeInput;
}

export interface TicketUpdate {
  before: Ticket;
  after: Ticket;
  /** Wire fields whose value differs between before and after. */
  changed: Array<keyof Ticket>;
}

export interface ListTicketsOptions {
  status?: TicketStatus | readonly TicketStatus[];
  priority?: TicketPriority;
  assigneeId?: string | null;
  teamId?: string;
  conversationId?: string;
  limit?: number;
  /** Keyset cursor: the id of the last ticket of the previous page (most recently updated first). */
  beforeId?: string;
}

/** Raw rows and rows rebuilt from to_jsonb (timestamps as strings) both map here. */
export interface TicketRow {
  id: string;
  account_id: string;
  conversation_id: string | null;
  subject: string;
  status: TicketStatus;
  priority: TicketPriority;
  assignee_id: string | null;
  team_id: string | null;
  sla_first_response_due_at: Date | string | null;
  sla_resolution_due_at: Date | string | null;
  created_at: Date | string;
  updated_at: Date | string;
}

export function toTicket(row: TicketRow): Ticket {
  return {
    id: row.id,
    accountId: row.account_id,
    conversationId: row.conversation_id,
    subject: row.subject,
    status: row.status,
    priority: row.priority,
    assigneeId: row.assignee_id,
    teamId: row.team_id,
    slaFirstResponseDueAt: isoOrNull(row.sla_first_response_due_at),
    slaResolutionDueAt: isoOrNull(row.sla_resolution_due_at),
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
  };
}

const RESOLVED: readonly TicketStatus[] = ['solved', 'closed'];

export class TicketsRepo {
  constructor(private readonly q: Queryable) {}

  /** A `conversationId` from another account fails with a `foreign_key_violation` StorageError; check it first. */
  async create(input: CreateTicketInput): Promise<Ticket> {
    const status = input.status ?? 'open';
    const rows = await this.q.query<TicketRow>(
      `INSERT INTO tickets (id, account_id, conversation_id, subject, status, priority, assignee_id, team_id,
                            sla_first_response_due_at, sla_resolution_due_at, resolved_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::timestamptz, $10::timestamptz, CASE WHEN $11::boolean THEN now() END)
       RETURNING *`,
      [
        input.id ?? newId(),
        input.accountId,
        input.conversationId ?? null,
        input.subject,
        status,
        input.priority ?? 'medium',
        input.assigneeId ?? null,
        input.teamId ?? null,
        timeParamOrNull(input.slaFirstResponseDueAt),
        timeParamOrNull(input.slaResolutionDueAt),
        RESOLVED.includes(status),
      ],
    );
    return toTicket(rows[0] as TicketRow);
  }

  async get(accountId: string, id: string): Promise<Ticket | null> {
    const rows = await this.q.query<TicketRow>('SELECT * FROM tickets WHERE account_id = $1 AND id = $2', [accountId, id]);
    return rows[0] ? toTicket(rows[0]) : null;
  }

  /**
   * Applies the patch and returns the ticket before and after it, the before read under the row
   * lock the update takes. resolved_at follows the status: set on entering solved/closed, cleared on
   * leaving them. Null when the ticket is not in this account.
   */
  async update(accountId: string, id: string, patch: TicketPatch): Promise<TicketUpdate | null> {
    const params: unknown[] = [accountId, id];
    const sets: string[] = ['updated_at = now()'];
    const param = (value: unknown): string => {
      params.push(value);
      return `$${params.length}`;
    };
    if (patch.subject !== undefined) sets.push(`subject = ${param(patch.subject)}`);
    if (patch.priority !== undefined) sets.push(`priority = ${param(patch.priority)}`);
    if (patch.assigneeId !== undefined) sets.push(`assignee_id = ${param(patch.assigneeId)}::text`);
    if (patch.teamId !== undefined) sets.push(`team_id = ${param(patch.teamId)}::text`);
    if (patch.slaFirstResponseDueAt !== undefined) {
      sets.push(`sla_first_response_due_at = ${param(timeParamOrNull(patch.slaFirstResponseDueAt))}::timestamptz`);
    }
    if (patch.slaResolutionDueAt !== undefined) {
      sets.push(`sla_resolution_due_at = ${param(timeParamOrNull(patch.slaResolutionDueAt))}::timestamptz`);
    }
    if (patch.firstRespondedAt !== undefined) {
      sets.push(`first_responded_at = COALESCE(t.first_responded_at, ${param(timeParamOrNull(patch.firstRespondedAt))}::timestamptz)`);
    }
    if (patch.status !== undefined) {
      const resolved = param(RESOLVED.includes(patch.status));
      sets.push(`status = ${param(patch.status)}`);
      sets.push(`resolved_at = CASE WHEN ${resolved}::boolean THEN COALESCE(t.resolved_at, now()) END`);
    }
    const rows = await this.q.query<TicketRow & { before_row: TicketRow }>(
      `UPDATE tickets t SET ${sets.join(', ')}
       FROM (SELECT * FROM tickets WHERE account_id = $1 AND id = $2 FOR UPDATE) prev
       WHERE t.id = prev.id
       RETURNING t.*, to_jsonb(prev) AS before_row`,
      params,
    );
    const row = rows[0];
    if (!row) return null;
    const before = toTicket(row.before_row);
    const after = toTicket(row);
    const changed = (Object.keys(after) as Array<keyof Ticket>).filter((k) => k !== 'updatedAt' && before[k] !== after[k]);
    return { before, after, changed };
  }

  /** Most recently updated first. `assigneeId: null` lists unassigned tickets. */
  async list(accountId: string, opts: ListTicketsOptions = {}): Promise<Ticket[]> {
    const statuses = opts.status === undefined ? null : typeof opts.status === 'string' ? [opts.status] : [...opts.status];
    const rows = await this.q.query<TicketRow>(
      `SELECT t.* FROM tickets t
       WHERE t.account_id = $1
         AND ($2::text[] IS NULL OR t.status = ANY($2::text[]))
         AND ($3::text IS NULL OR t.priority = $3)
         AND (NOT $4::boolean OR t.assignee_id IS NOT DISTINCT FROM $5::text)
         AND ($6::text IS NULL OR t.team_id = $6)
         AND ($7::text IS NULL OR t.conversation_id = $7)
         AND ($8::text IS NULL OR (t.updated_at, t.id) <
              (SELECT b.updated_at, b.id FROM tickets b WHERE b.account_id = $1 AND b.id = $8))
       ORDER BY t.updated_at DESC, t.id DESC
       LIMIT $9`,
      [
        accountId,
        statuses,
        opts.priority ?? null,
        opts.assigneeId !== undefined,
        opts.assigneeId ?? null,
        opts.teamId ?? null,
        opts.conversationId ?? null,
        opts.beforeId ?? null,
        clampLimit(opts.limit),
      ],
    );
    return rows.map(toTicket);
  }
}
