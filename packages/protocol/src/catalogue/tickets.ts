import { z } from 'zod';

import { TicketStatus } from '../enums';
import { ErrorPayload } from '../errors';
import { Id, IsoDate } from '../ids';
import { Envelope, Message, Ticket, UserSummary } from '../models';
import { defineEvents } from './define';

const TicketRef = z.object({ ticketId: Id });

/** Client to server on the `/tickets` namespace. */
export const ticketsClient = defineEvents('tickets', 'client', {
  'ticket:subscribe': {
    seeds: ['001'],
    room: 'joins ticket:{ticketId} after a tenant and role check',
    description: 'Follow one ticket; answered by ticket:subscribed and acked with the ticket as it is now.',
    schema: TicketRef,
    ack: Ticket,
  },
  'ticket:unsubscribe': {
    seeds: ['001'],
    room: 'leaves ticket:{ticketId}',
    description: 'Stop following a ticket.',
    schema: TicketRef,
  },
  'ticket:typing': {
    seeds: ['001'],
    room: 'ticket:{ticketId}',
    description: 'Started typing on a ticket (staff who may write only).',
    schema: TicketRef,
  },
  'ticket:stopTyping': {
    seeds: ['001'],
    room: 'ticket:{ticketId}',
    description: 'Stopped typing; the server also stops it after 5 s without ticket:typing.',
    schema: TicketRef,
  },
});

/** Field names of a ticket, so `changes` can only name real fields. */
export const TicketField = Ticket.keyof();
export type TicketField = z.infer<typeof TicketField>;

/** `TicketUpdate`: the ticket after the change, and which fields changed. */
export const TicketUpdate = Envelope.extend({
  ticketId: Id,
  ticket: Ticket,
  changes: z.array(TicketField),
  updatedBy: Id.nullable(),
});
export type TicketUpdate = z.infer<typeof TicketUpdate>;

/** Which SLA clock a warning or breach is about (a ticket carries both due dates). */
export const SlaTarget = z.enum(['first_response', 'resolution']);
export type SlaTarget = z.infer<typeof SlaTarget>;

/** Server to client on `/tickets`. */
export const ticketsServer = defineEvents('tickets', 'server', {
  'ticket:created': {
    seeds: ['001'],
    room: 'tenant staff (org:{orgId}), team:{teamId}',
    description: 'A ticket was created.',
    schema: Envelope.extend(Ticket.shape),
  },
  'ticket:updated': {
    seeds: ['001'],
    room: 'ticket:{ticketId}, tenant staff',
    description: 'A ticket changed (subject, priority, team, assignee, status…).',
    schema: TicketUpdate,
  },
  'ticket:assigned': {
    seeds: ['001'],
    room: 'user:{assigneeId}, ticket:{ticketId}, tenant staff',
    description: 'A ticket was assigned; agent is null when it was unassigned.',
    schema: Envelope.extend({ ticket: Ticket, agent: UserSummary.nullable(), assignedBy: Id.nullable() }),
  },
  'ticket:message': {
    seeds: ['001'],
    room: 'ticket:{ticketId}',
    description: 'A message in the ticket’s conversation. Deduplicate by id.',
    schema: Envelope.extend(Message.shape).extend({ ticketId: Id }),
  },
  'ticket:typing': {
    seeds: ['001'],
    room: 'ticket:{ticketId} except the typist',
    description: 'Someone is typing on the ticket.',
    schema: z.object({ ticketId: Id, user: UserSummary }),
    volatile: true,
  },
  'ticket:stopTyping': {
    seeds: ['001'],
    room: 'ticket:{ticketId} except the typist',
    description: 'Typing stopped, or timed out. Never volatile, so an indicator cannot stay on.',
    schema: z.object({ ticketId: Id, userId: Id }),
  },
  'ticket:status': {
    seeds: ['001'],
    room: 'ticket:{ticketId}, tenant staff',
    description: 'The ticket’s status changed; by is null when the system changed it.',
    schema: Envelope.extend({
      ticketId: Id,
      status: TicketStatus,
      previousStatus: TicketStatus.nullable(),
      by: UserSummary.nullable(),
      at: IsoDate,
    }),
  },
  'ticket:sla:warning': {
    seeds: ['001'],
    room: 'ticket:{ticketId}, user:{assigneeId}, team:{teamId}',
    description: 'An SLA clock runs out soon.',
    schema: Envelope.extend({ ticket: Ticket, minutesLeft: z.number().int().min(0), target: SlaTarget }),
  },
  'ticket:sla:breached': {
    seeds: ['001'],
    room: 'ticket:{ticketId}, user:{assigneeId}, team:{teamId}, tenant staff (admins included)',
    description: 'An SLA clock ran out.',
    schema: Envelope.extend({ ticket: Ticket, target: SlaTarget }),
  },
  'ticket:subscribed': {
    seeds: ['001'],
    room: 'the subscribing socket',
    description: 'ticket:subscribe succeeded.',
    schema: z.object({ ticketId: Id }),
  },
  error: {
    seeds: ['001'],
    room: 'the socket itself',
    description: 'A failed client event sent without a callback.',
    schema: ErrorPayload,
  },
});
