import { CannedResponse, Id, MAX_MESSAGE_CHARS } from '@switchboard/protocol';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';

import type { Services } from '../../services';
import { requirePrincipal } from './http-auth';
import { doc, named } from './openapi/route-doc';
import { parse } from './parse';

const IdParams = z.object({ id: Id });
const CannedModel = named('CannedResponse', CannedResponse);
const Shortcut = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9_-]{1,32}$/, 'must be 1-32 letters, digits, - or _');
const Title = z.string().trim().max(100).nullable();
const Content = z.string().trim().min(1).max(MAX_MESSAGE_CHARS);
const CreateBody = z.object({ shortcut: Shortcut, title: Title.optional(), content: Content });
const UpdateBody = z.object({ shortcut: Shortcut.optional(), title: Title.optional(), content: Content.optional() });

/** Canned responses (issue 16): admins write them, staff read them. */
export function cannedResponseRoutes(app: FastifyInstance, services: Services): void {
  const who = (req: Parameters<typeof requirePrincipal>[1]) => requirePrincipal(services.verify, req);
  const placeholders =
    'The content may hold placeholders such as `{{contact.name}}`, `{{contact.firstName}}`, `{{contact.email}}`, `{{agent.name}}` (or `{{contact.name | there}}` with a fallback), which the dashboard fills when it inserts the response.';

  app.get(
    '/api/canned-responses',
    doc({
      tag: 'Canned responses',
      auth: 'bearer',
      summary: "The tenant's canned responses",
      description: 'Staff only (customers get 403). By shortcut.',
      responses: { 200: { description: 'Canned responses', schema: z.object({ cannedResponses: z.array(CannedModel) }) } },
    }),
    async (request) => ({ cannedResponses: await services.canned.list(await who(request)) }),
  );

  app.post(
    '/api/canned-responses',
    doc({
      tag: 'Canned responses',
      auth: 'bearer',
      summary: 'Create a canned response',
      description: `Admins only. Shortcuts are unique per tenant regardless of case (400 when taken). ${placeholders}`,
      body: CreateBody,
      responses: { 201: { description: 'The canned response', schema: CannedModel } },
    }),
    async (request, reply) => {
      const actor = await who(request);
      return reply.status(201).send(await services.canned.create(actor, parse(CreateBody, request.body ?? {})));
    },
  );

  app.patch(
    '/api/canned-responses/:id',
    doc({
      tag: 'Canned responses',
      auth: 'bearer',
      summary: 'Change a canned response',
      description: 'Admins only.',
      params: IdParams,
      body: UpdateBody,
      responses: { 200: { description: 'The canned response', schema: CannedModel } },
    }),
    async (request) => {
      const actor = await who(request);
      return services.canned.update(actor, parse(IdParams, request.params).id, parse(UpdateBody, request.body ?? {}));
    },
  );

  app.delete(
    '/api/canned-responses/:id',
    doc({
      tag: 'Canned responses',
      auth: 'bearer',
      summary: 'Delete a canned response',
      description: 'Admins only.',
      params: IdParams,
      responses: { 204: { description: 'Deleted' } },
    }),
    async (request, reply) => {
      const actor = await who(request);
      await services.canned.delete(actor, parse(IdParams, request.params).id);
      return reply.status(204).send();
    },
  );
}
