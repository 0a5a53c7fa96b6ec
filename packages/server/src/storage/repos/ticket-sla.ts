import type { Ticket } from '@switchboard/protocol';

import type { Queryable } from '../db';
import { type TimeInput, timeParam } from '../row-mapping';
import { type TicketRow, toTicket } from './tickets';

/**
 * The SLA side of tickets that the wire model leaves out: when a ticket was
 * first answered. Kept apart from TicketsRepo so the wire mapping stays as is.
 */
export class TicketSlaRepo {
  constructor(private readonly q: Queryable) {}

  /**
   * Records `at` as the first response of every open ticket wrapping the
   * conversation that had none yet, and returns those tickets: the ones whose
   * running SLA clock has just moved from first response to resolution.
   */
  async recordFirstResponse(accountId: string, conversationId: string, at: TimeInput): Promise<Ticket[]> {
    const rows = await this.q.query<TicketRow>(
      `UPDATE tickets SET first_responded_at = $3::timestamptz
       WHERE account_id = $1 AND conversation_id = $2 AND first_responded_at IS NULL AND status NOT IN ('solved', 'closed')
       RETURNING *`,
      [accountId, conversationId, timeParam(at)],
    );
    return rows.map(toTicket);
  }

  async firstResponded(accountId: string, ticketId: string): Promise<boolean> {
    const rows = await this.q.query<{ answered: boolean }>(
      'SELECT first_responded_at IS NOT NULL AS answered FROM tickets WHERE account_id = $1 AND id = $2',
      [accountId, ticketId],
    );
    return rows[0]?.answered ?? false;
  }
}
