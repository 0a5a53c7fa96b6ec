import { ticketsClient as C, ticketsServer as S } from '@switchboard/protocol';

import { can } from '../access/policy';
import { forbidden } from '../errors';
import type { Services } from '../services';
import type { AppIo, AppSocket } from '../transport/socket-types';
import { actorOf, asRoom, eventsOf, joinRooms, leaveRooms, openNamespace, summaryOfSocket } from './namespace-session';

/**
 * 001's `/tickets`, staff only: follow a ticket (its messages, typing and SLA
 * warnings), and say when one types. Ticket changes themselves come through
 * the HTTP routes and are heard here by every staff socket of the tenant.
 */
export function attachTicketsNamespace(services: Services, io: AppIo): void {
  const nsp = openNamespace(services, io, 'tickets');
  nsp.on('connection', (socket: AppSocket) => {
    const on = eventsOf(services, socket);
    const who = () => actorOf(socket);

    on(C['ticket:subscribe'], async ({ ticketId }) => {
      const ticket = await asRoom(services.tickets.get(who(), ticketId));
      await joinRooms(socket, 'tickets', [{ kind: 'ticket', id: ticket.id }]);
      socket.emit(S['ticket:subscribed'].name, { ticketId: ticket.id });
      return ticket;
    });

    on(C['ticket:unsubscribe'], async ({ ticketId }) => {
      await leaveRooms(socket, 'tickets', [{ kind: 'ticket', id: ticketId }]);
    });

    on(C['ticket:typing'], async ({ ticketId }) => {
      const ticket = await asRoom(services.tickets.get(who(), ticketId));
      if (!can.typeOnTicket(who(), ticket)) throw forbidden('Viewers do not type on tickets');
      await services.ticketTyping.start(socket.data.accountId, summaryOfSocket(socket), ticket.id);
    });

    on(C['ticket:stopTyping'], async ({ ticketId }) => {
      await services.ticketTyping.stop(socket.data.accountId, summaryOfSocket(socket), ticketId);
    });

    socket.on('disconnect', () => void services.ticketTyping.stopAll(socket.data.accountId, summaryOfSocket(socket)));
  });
}
