import { ticketsClient as C, ticketsServer as S } from '@switchboard/protocol';

import type { Services } from '../services';
import { reply } from '../transport/on-event';
import { principalOf } from '../transport/principal-of';
import type { AppIo, AppSocket } from '../transport/socket-types';
import { asRoom, openNamespace } from './namespace-session';
import { sessionTable, summaryOf } from './session';

/**
 * `/tickets`, staff only: follow a ticket (its messages, typing and SLA
 * warnings), and say when one types. Ticket changes themselves come through
 * the HTTP routes and are heard here by every staff socket of the tenant.
 */
export function attachTicketsNamespace(services: Services, io: AppIo): void {
  const nsp = openNamespace(services, io, 'tickets', ticketsEvents(services));
  nsp.on('connection', (socket: AppSocket) => {
    socket.on('disconnect', () => void services.ticketTyping.stopAll(socket.data.accountId, summaryOf(principalOf(socket))));
  });
}

/** `/tickets`' client events; `.caller(session)` runs them without a socket. */
export function ticketsEvents(services: Services) {
  const { tickets, ticketTyping } = services;
  return sessionTable(services)
    .on(
      C['ticket:subscribe'],
      async (session, { ticketId }) => {
        const ticket = await asRoom(tickets.get(session.actor, ticketId));
        await session.join([{ kind: 'ticket', id: ticket.id }]);
        return ticket;
      },
      { reply: (ticket) => reply(S['ticket:subscribed'], { ticketId: ticket.id }) },
    )
    .on(C['ticket:unsubscribe'], async (session, { ticketId }) => {
      await session.leave([{ kind: 'ticket', id: ticketId }]);
    })
    .on(C['ticket:typing'], async (session, { ticketId }) => {
      const ticket = await asRoom(tickets.get(session.actor, ticketId));
      await ticketTyping.start(session.actor, summaryOf(session.actor), ticket);
    })
    .on(C['ticket:stopTyping'], async (session, { ticketId }) => {
      await ticketTyping.stop(session.actor.accountId, summaryOf(session.actor), ticketId);
    });
}
