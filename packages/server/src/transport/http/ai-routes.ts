import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { AiSettingsPatch, CreateAiAgent, CreateKnowledgeItem, CreditTopup, Id, UpdateAiAgent, UpdateKnowledgeItem } from '@switchboard/protocol';
import type { Services } from '../../services';
import { requirePrincipal } from './http-auth';
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

  app.get('/api/ai/settings', async (request) => ai.settings.read(await who(request)));
  app.patch('/api/ai/settings', async (request) => ai.settings.update(await who(request), parse(AiSettingsPatch, request.body ?? {})));

  app.get('/api/ai/agents', async (request) => ({ agents: await ai.agents.list(await who(request)) }));
  app.post('/api/ai/agents', async (request, reply) => {
    const agent = await ai.agents.create(await who(request), parse(CreateAiAgent, request.body ?? {}));
    return reply.status(201).send(agent);
  });
  app.patch('/api/ai/agents/:id', async (request) => {
    const actor = await who(request);
    return ai.agents.update(actor, parse(IdParams, request.params).id, parse(UpdateAiAgent, request.body ?? {}));
  });

  app.get('/api/ai/knowledge', async (request) => ({ items: await ai.knowledge.list(await who(request)) }));
  app.post('/api/ai/knowledge', async (request, reply) => {
    const item = await ai.knowledge.create(await who(request), parse(CreateKnowledgeItem, request.body ?? {}));
    return reply.status(201).send(item);
  });
  app.patch('/api/ai/knowledge/:id', async (request) => {
    const actor = await who(request);
    return ai.knowledge.update(actor, parse(IdParams, request.params).id, parse(UpdateKnowledgeItem, request.body ?? {}));
  });
  app.delete('/api/ai/knowledge/:id', async (request, reply) => {
    await ai.knowledge.remove(await who(request), parse(IdParams, request.params).id);
    return reply.status(204).send();
  });

  app.get('/api/credits', async (request) => ai.credits.statement(await who(request), parse(LedgerQuery, request.query).limit));
  app.post('/api/credits/topup', async (request, reply) => {
    const result = await ai.credits.topup(await who(request), parse(CreditTopup, request.body ?? {}));
    return reply.status(result.created ? 201 : 200).send(result);
  });

  app.get('/api/conversations/:id/handoffs', async (request) => {
    const actor = await who(request);
    return { handoffs: await ai.handoffs.list(actor, parse(IdParams, request.params).id) };
  });
}
