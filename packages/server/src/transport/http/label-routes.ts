import { Id, Label, LabelRef } from '@switchboard/protocol';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';

import type { Services } from '../../services';
import { requirePrincipal } from './http-auth';
import { doc, named } from './openapi/route-doc';
import { parse } from './parse';

const IdParams = z.object({ id: Id });
const LabelModel = named('Label', Label);
const Color = z.string().regex(/^#[0-9a-fA-F]{6}$/, 'must be a colour as #rrggbb');
const Name = z.string().trim().min(1).max(40);
const CreateBody = z.object({ name: Name, color: Color.optional() });
const UpdateBody = z.object({ name: Name.optional(), color: Color.optional() });
const ChangeBody = z.object({ add: z.array(Id).max(20).optional(), remove: z.array(Id).max(20).optional() });

/** Labels (issue 16): the tenant's set (admins) and each conversation's (agents and admins). */
export function labelRoutes(app: FastifyInstance, services: Services): void {
  const who = async (req: Parameters<typeof requirePrincipal>[1]) => {
    const actor = await requirePrincipal(services.verify, req);
    await services.users.ensure(actor);
    return actor;
  };

  app.get(
    '/api/labels',
    doc({
      tag: 'Labels',
      auth: 'bearer',
      summary: "The tenant's labels",
      description: 'Staff only (customers get 403). By name.',
      responses: { 200: { description: 'Labels', schema: z.object({ labels: z.array(LabelModel) }) } },
    }),
    async (request) => ({ labels: await services.labels.list(await who(request)) }),
  );

  app.post(
    '/api/labels',
    doc({
      tag: 'Labels',
      auth: 'bearer',
      summary: 'Create a label',
      description:
        'Admins only. Names are unique per tenant regardless of case (400 when taken); without `color` one is chosen from the name. Staff hear `labels_updated`.',
      body: CreateBody,
      responses: { 201: { description: 'The label', schema: LabelModel } },
    }),
    async (request, reply) => {
      const actor = await who(request);
      return reply.status(201).send(await services.labels.create(actor, parse(CreateBody, request.body ?? {})));
    },
  );

  app.patch(
    '/api/labels/:id',
    doc({
      tag: 'Labels',
      auth: 'bearer',
      summary: 'Rename or recolour a label',
      description: 'Admins only. Staff hear `labels_updated`.',
      params: IdParams,
      body: UpdateBody,
      responses: { 200: { description: 'The label', schema: LabelModel } },
    }),
    async (request) => {
      const actor = await who(request);
      return services.labels.update(actor, parse(IdParams, request.params).id, parse(UpdateBody, request.body ?? {}));
    },
  );

  app.delete(
    '/api/labels/:id',
    doc({
      tag: 'Labels',
      auth: 'bearer',
      summary: 'Delete a label',
      description: 'Admins only. The label leaves every conversation; staff hear `labels_updated` without it.',
      params: IdParams,
      responses: { 204: { description: 'Deleted' } },
    }),
    async (request, reply) => {
      const actor = await who(request);
      await services.labels.delete(actor, parse(IdParams, request.params).id);
      return reply.status(204).send();
    },
  );

  app.post(
    '/api/conversations/:id/labels',
    doc({
      tag: 'Labels',
      auth: 'bearer',
      summary: "Change a conversation's labels",
      description:
        'Agents and admins. Applies the labels in `add` and removes those in `remove`; unknown label ids are 400. Tenant staff hear `conversation_labels_changed` when something changed; customers never do.',
      params: IdParams,
      body: ChangeBody,
      responses: { 200: { description: "The conversation's labels after the change", schema: z.object({ labels: z.array(LabelRef) }) } },
    }),
    async (request) => {
      const actor = await who(request);
      const { id } = parse(IdParams, request.params);
      return { labels: await services.labels.change(actor, id, parse(ChangeBody, request.body ?? {})) };
    },
  );
}
