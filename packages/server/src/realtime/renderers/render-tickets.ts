import { defaultServer as D, TicketField, ticketsServer as T } from '@switchboard/protocol';

import type { DomainEvent, EphemeralEvent } from '../../domain/domain-event';
import { deliver, type Delivery, type RoomRef, type Surface } from '../delivery';

const s: Surface = { ns: '/tickets' };
const staff: RoomRef = { kind: 'tenantStaff' };
const ticketRoom = (id: string): RoomRef => ({ kind: 'ticket', id });

/**
 * The `/tickets` namespace's vocabulary. Only staff connect there, so "tenant staff"
 * is every ticket socket of the tenant; a ticket's own room (ticket:subscribe)
 * adds what only followers want: its messages, typing and SLA warnings.
 */
export function renderTickets(e: DomainEvent | EphemeralEvent): Delivery[] {
  switch (e.type) {
    case 'ticket.created':
      return [deliver(s, T['ticket:created'], [staff], e.ticket)];
    case 'ticket.updated':
      return [
        deliver(s, T['ticket:updated'], [ticketRoom(e.ticket.id), staff], {
          ticketId: e.ticket.id,
          ticket: e.ticket,
          changes: e.changes.filter((c): c is TicketField => TicketField.safeParse(c).success),
          updatedBy: e.by,
        }),
      ];
    case 'ticket.assigned': {
      const to: RoomRef[] = [ticketRoom(e.ticket.id), staff];
      if (e.agent) to.push({ kind: 'user', id: e.agent.id });
      return [deliver(s, T['ticket:assigned'], to, { ticket: e.ticket, agent: e.agent, assignedBy: e.by })];
    }
    case 'ticket.status_changed':
      return [
        deliver(s, T['ticket:status'], [ticketRoom(e.ticket.id), staff], {
          ticketId: e.ticket.id,
          status: e.ticket.status,
          previousStatus: e.previousStatus,
          by: e.by,
          at: e.ticket.updatedAt,
        }),
      ];
    case 'ticket.message':
      return [deliver(s, T['ticket:message'], [ticketRoom(e.ticketId)], { ...e.message, ticketId: e.ticketId })];
    case 'ticket.typing_changed': {
      const opts = { except: [{ kind: 'user', id: e.user.id } as RoomRef] };
      return e.typing
        ? [deliver(s, T['ticket:typing'], [ticketRoom(e.ticketId)], { ticketId: e.ticketId, user: e.user }, opts)]
        : [deliver(s, T['ticket:stopTyping'], [ticketRoom(e.ticketId)], { ticketId: e.ticketId, userId: e.user.id }, opts)];
    }
    case 'ticket.sla_alert': {
      const { ticket } = e;
      const to: RoomRef[] = [ticketRoom(ticket.id)];
      if (ticket.assigneeId) to.push({ kind: 'user', id: ticket.assigneeId });
      if (ticket.teamId) to.push({ kind: 'team', id: ticket.teamId });
      if (e.kind === 'warning') {
        return [deliver(s, T['ticket:sla:warning'], to, { ticket, minutesLeft: e.minutesLeft, target: e.target })];
      }
      // No room holds only a tenant's admins on /tickets, so a breach goes to all of its staff (admins included).
      return [deliver(s, T['ticket:sla:breached'], [...to, staff], { ticket, target: e.target })];
    }
    case 'system.maintenance':
      return [deliver(s, D['system:maintenance'], [{ kind: 'all' }], { message: e.message, startsAt: e.startsAt })];
    default:
      return [];
  }
}
