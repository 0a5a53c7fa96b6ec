import { Id, TicketPriority, TicketStatus } from '@switchboard/protocol';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';

import type { Services } from '../../services';
import { requirePrincipal } from './http-auth';
import { TicketModel } from './openapi/api-models';
import { doc } from './openapi/route-doc';
import { parse } from './parse';

const Subject = z.string().trim().min(1).max(500);
const CreateBody = z.object({
  subject: Subject,
  priority: TicketPriority.optional(),
  conversationId: Id.optional(),
  teamId: Id.optional(),
  assigneeId: Id.optional(),
});
const PatchBody = z
  .object({
    subject: Subject.optional(),
    status: TicketStatus.optional(),
    priority: TicketPriority.optional(),
    assigneeId: Id.nullable().optional(),
    teamId: Id.nullable().optional(),
  })
  .strict()
  .refine((b) => Object.keys(b).length > 0, { message: 'name at least one field to change' });
const AssignBody = z.object({ assigneeId: Id.nullable() });
const IdParams = z.object({ id: Id });
const ListQuery = z.object({
  status: TicketStatus.optional(),
  priority: TicketPriority.optional(),
  assigneeId: Id.optional(),
  teamId: Id.optional(),
  conversationId: Id.optional(),
  limit: z.coerce.number().int().min(1).max(200).optional(),
  before: Id.optional(),
});

/**
 * The ticket routes (contract: POST and PATCH /api/tickets), staff only, on
 * the same TicketService, and so the same rules and events, as the sockets.
 */
export function ticketRoutes(app: FastifyInstance, services: Services): void {
  const who = async (request: FastifyRequest) => {
    const actor = await requirePrincipal(services.verify, request);
    await services.users.ensure(actor);
    services.summaries.remember(actor.accountId, { id: actor.userId, name: actor.name, email: actor.email, role: actor.role });
    return actor;
  };

  app.post(
    '/api/tickets',
    doc({
      tag: 'Tickets',
      auth: 'bearer',
      summary: 'Open a ticket',
      description: 'Staff only; starts its SLA clocks.',
      body: CreateBody,
      responses: { 201: { description: 'The new ticket', schema: TicketModel } },
    }),
    async (request, reply) => {
      const actor = await who(request);
      const ticket = await services.tickets.create(actor, parse(CreateBody, request.body ?? {}));
      return reply.status(201).send(ticket);
    },
  );

  app.get(
    '/api/tickets',
    doc({
      tag: 'Tickets',
      auth: 'bearer',
      summary: 'List tickets',
      query: ListQuery,
      responses: { 200: { description: 'A page of tickets', schema: z.object({ tickets: z.array(TicketModel) }) } },
    }),
    async (request) => {
      const actor = await who(request);
      return { tickets: await services.tickets.list(actor, parse(ListQuery, request.query)) };
    },
  );

  app.get(
    '/api/tickets/:id',
    doc({
      tag: 'Tickets',
      auth: 'bearer',
      summary: 'Read a ticket',
      params: IdParams,
      responses: { 200: { description: 'The ticket', schema: TicketModel } },
    }),
    async (request) => {
      const actor = await who(request);
      return services.tickets.get(actor, parse(IdParams, request.params).id);
    },
  );

  app.patch(
    '/api/tickets/:id',
    doc({
      tag: 'Tickets',
      auth: 'bearer',
      summary: 'Change a ticket',
      description: 'Name at least one field.',
      params: IdParams,
      body: PatchBody,
      responses: { 200: { description: 'The changed ticket', schema: TicketModel } },
    }),
    async (request) => {
      const actor = await who(request);
      const { id } = parse(IdParams, request.params);
      return services.tickets.update(actor, id, parse(PatchBody, request.body ?? {}));
    },
  );

  app.post(
    '/api/tickets/:id/assign',
    doc({
      tag: 'Tickets',
      auth: 'bearer',
      summary: 'Assign or unassign a ticket',
      params: IdParams,
      body: AssignBody,
      responses: { 200: { description: 'The ticket', schema: TicketModel } },
    }),
    async (request) => {
      const actor = await who(request);
      const { id } = parse(IdParams, request.params);
      return services.tickets.assign(actor, id, parse(AssignBody, request.body ?? {}).assigneeId);
    },
  );
}
