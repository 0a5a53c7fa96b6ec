import {
  AiSettingsPatch,
  CreateAiAgent,
  CreateKnowledgeItem,
  CreditTopup,
  Id,
  UpdateAiAgent,
  UpdateKnowledgeItem,
} from '@switchboard/protocol';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';

import type { Services } from '../../services';
import { requirePrincipal } from './http-auth';
import {
  ActionCostsModel,
  AiAgentModel,
  AiSettingsModel,
  CreditLedgerEntryModel,
  HandoffModel,
  KnowledgeItemModel,
} from './openapi/api-models';
import { doc } from './openapi/route-doc';
import { parse } from './parse';

const IdParams = z.object({ id: Id });
const LedgerQuery = z.object({ limit: z.coerce.number().int().min(1).max(500).optional() });

/**
 * The AI side over HTTP (issue 6). Staff read; admins change: the AI switch
 * and rules, AI agents (activation announced as `agent_status_changed`),
 * knowledge, and credit top-ups (`credits_updated`).
 */
export function aiRoutes(app: FastifyInstance, services: Services): void {
  const ai = services.ai;
  const who = async (request: FastifyRequest) => {
    const actor = await requirePrincipal(services.verify, request);
    await services.users.ensure(actor);
    return actor;
  };

  app.get(
    '/api/ai/settings',
    doc({
      tag: 'AI',
      auth: 'bearer',
      summary: "Read the tenant's AI settings",
      description: 'Staff read. AI is off until an admin turns it on here, creates an ACTIVE AI agent and tops up credits.',
      responses: { 200: { description: 'The settings', schema: AiSettingsModel } },
    }),
    async (request) => ai.settings.read(await who(request)),
  );
  app.patch(
    '/api/ai/settings',
    doc({
      tag: 'AI',
      auth: 'bearer',
      summary: 'Change the AI settings',
      description: 'Admins only: the AI switch, triage and handoff rules.',
      body: AiSettingsPatch,
      responses: { 200: { description: 'The settings now', schema: AiSettingsModel } },
    }),
    async (request) => ai.settings.update(await who(request), parse(AiSettingsPatch, request.body ?? {})),
  );

  app.get(
    '/api/ai/agents',
    doc({
      tag: 'AI',
      auth: 'bearer',
      summary: 'List AI agents',
      responses: { 200: { description: 'AI agents', schema: z.object({ agents: z.array(AiAgentModel) }) } },
    }),
    async (request) => ({ agents: await ai.agents.list(await who(request)) }),
  );
  app.post(
    '/api/ai/agents',
    doc({
      tag: 'AI',
      auth: 'bearer',
      summary: 'Create an AI agent',
      description: 'Admins only; activation is announced as `agent_status_changed`.',
      body: CreateAiAgent,
      responses: { 201: { description: 'The AI agent', schema: AiAgentModel } },
    }),
    async (request, reply) => {
      const agent = await ai.agents.create(await who(request), parse(CreateAiAgent, request.body ?? {}));
      return reply.status(201).send(agent);
    },
  );
  app.patch(
    '/api/ai/agents/:id',
    doc({
      tag: 'AI',
      auth: 'bearer',
      summary: 'Change an AI agent',
      description: 'Admins only.',
      params: IdParams,
      body: UpdateAiAgent,
      responses: { 200: { description: 'The AI agent', schema: AiAgentModel } },
    }),
    async (request) => {
      const actor = await who(request);
      return ai.agents.update(actor, parse(IdParams, request.params).id, parse(UpdateAiAgent, request.body ?? {}));
    },
  );

  app.get(
    '/api/ai/knowledge',
    doc({
      tag: 'Knowledge',
      auth: 'bearer',
      summary: 'List saved replies and articles',
      responses: { 200: { description: 'Knowledge items', schema: z.object({ items: z.array(KnowledgeItemModel) }) } },
    }),
    async (request) => ({ items: await ai.knowledge.list(await who(request)) }),
  );
  app.post(
    '/api/ai/knowledge',
    doc({
      tag: 'Knowledge',
      auth: 'bearer',
      summary: 'Add a saved reply or article',
      description: 'Admins only; AI replies and drafts draw on it.',
      body: CreateKnowledgeItem,
      responses: { 201: { description: 'The item', schema: KnowledgeItemModel } },
    }),
    async (request, reply) => {
      const item = await ai.knowledge.create(await who(request), parse(CreateKnowledgeItem, request.body ?? {}));
      return reply.status(201).send(item);
    },
  );
  app.patch(
    '/api/ai/knowledge/:id',
    doc({
      tag: 'Knowledge',
      auth: 'bearer',
      summary: 'Change a knowledge item',
      params: IdParams,
      body: UpdateKnowledgeItem,
      responses: { 200: { description: 'The item', schema: KnowledgeItemModel } },
    }),
    async (request) => {
      const actor = await who(request);
      return ai.knowledge.update(actor, parse(IdParams, request.params).id, parse(UpdateKnowledgeItem, request.body ?? {}));
    },
  );
  app.delete(
    '/api/ai/knowledge/:id',
    doc({
      tag: 'Knowledge',
      auth: 'bearer',
      summary: 'Delete a knowledge item',
      params: IdParams,
      responses: { 204: { description: 'Deleted' } },
    }),
    async (request, reply) => {
      await ai.knowledge.remove(await who(request), parse(IdParams, request.params).id);
      return reply.status(204).send();
    },
  );

  app.get(
    '/api/credits',
    doc({
      tag: 'Credits',
      auth: 'bearer',
      summary: 'Credit balance, costs and ledger',
      query: LedgerQuery,
      responses: {
        200: {
          description: 'The statement',
          schema: z.object({ balance: z.number().int(), costs: ActionCostsModel, ledger: z.array(CreditLedgerEntryModel) }),
        },
      },
    }),
    async (request) => ai.credits.statement(await who(request), parse(LedgerQuery, request.query).limit),
  );
  app.post(
    '/api/credits/topup',
    doc({
      tag: 'Credits',
      auth: 'bearer',
      summary: 'Top up credits',
      description: 'Admins only. With a `ref` the top-up is applied once: repeating it answers 200 with the first entry.',
      body: CreditTopup,
      responses: {
        201: {
          description: 'Applied',
          schema: z.object({ balance: z.number().int(), entry: CreditLedgerEntryModel, created: z.literal(true) }),
        },
        200: {
          description: 'Already applied under this ref',
          schema: z.object({ balance: z.number().int(), entry: CreditLedgerEntryModel, created: z.literal(false) }),
        },
      },
    }),
    async (request, reply) => {
      const result = await ai.credits.topup(await who(request), parse(CreditTopup, request.body ?? {}));
      return reply.status(result.created ? 201 : 200).send(result);
    },
  );

  app.get(
    '/api/conversations/:id/handoffs',
    doc({
      tag: 'Handoffs',
      auth: 'bearer',
      summary: 'Handoffs of a conversation from AI to people',
      params: IdParams,
      responses: { 200: { description: 'Handoffs', schema: z.object({ handoffs: z.array(HandoffModel) }) } },
    }),
    async (request) => {
      const actor = await who(request);
      return { handoffs: await ai.handoffs.list(actor, parse(IdParams, request.params).id) };
    },
  );
}
