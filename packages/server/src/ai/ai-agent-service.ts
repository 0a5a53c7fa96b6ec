import type { AiAgent, AiAgentStatus, AiRouting, Conversation } from '@switchboard/protocol';

import { type Actor, can } from '../access/policy';
import type { DomainEvent } from '../domain/domain-event';
import { logEvents } from '../domain/event-log';
import type { Publisher } from '../domain/publisher';
import { forbidden, notFound } from '../errors';
import type { Db } from '../storage/db';
import { type AiAgentPatch, AiAgentsRepo } from '../storage/repos/ai-agents';

/** Statuses in which a conversation waits for an answer the AI may give. */
const ANSWERABLE = new Set<Conversation['status']>(['OPEN', 'PENDING']);

/**
 * AI agents: per tenant, each answering the conversations its routing names
 * while it is ACTIVE. Activation and deactivation are announced as
 * `agent_status_changed` (the default vocabulary).
 */
export class AiAgentService {
  constructor(
    private readonly db: Db,
    private readonly publisher: Publisher,
  ) {}

  async list(actor: Actor): Promise<AiAgent[]> {
    if (actor.role === 'customer') throw forbidden('AI agents are for staff');
    return new AiAgentsRepo(this.db).list(actor.accountId);
  }

  async create(actor: Actor, input: { name: string; status: AiAgentStatus; routing: AiRouting }): Promise<AiAgent> {
    if (!can.manageAi(actor)) throw forbidden('Only admins manage AI agents');
    const { agent, logged } = await this.db.transaction(async (tx) => {
      const agent = await new AiAgentsRepo(tx).create({ accountId: actor.accountId, ...input });
      const events: DomainEvent[] = agent.status === 'ACTIVE' ? [statusEvent(agent)] : [];
      return { agent, logged: await logEvents(tx, events) };
    });
    logged.forEach((e) => this.publisher.publish(e));
    return agent;
  }

  async update(actor: Actor, id: string, patch: AiAgentPatch): Promise<AiAgent> {
    if (!can.manageAi(actor)) throw forbidden('Only admins manage AI agents');
    const { agent, logged } = await this.db.transaction(async (tx) => {
      const updated = await new AiAgentsRepo(tx).update(actor.accountId, id, patch);
      if (!updated) throw notFound('AI agent');
      const events: DomainEvent[] = updated.previousStatus !== updated.agent.status ? [statusEvent(updated.agent)] : [];
      return { agent: updated.agent, logged: await logEvents(tx, events) };
    });
    logged.forEach((e) => this.publisher.publish(e));
    return agent;
  }

  /**
   * The AI agent that answers this conversation now, if any: the oldest ACTIVE one whose routing
   * covers it, and only while no person is assigned and the conversation waits for an answer.
   */
  async handling(conversation: Conversation): Promise<AiAgent | null> {
    if (conversation.assigneeId || !ANSWERABLE.has(conversation.status)) return null;
    const agents = await new AiAgentsRepo(this.db).list(conversation.accountId, { status: 'ACTIVE' });
    return agents.find((a) => routes(a.routing, conversation)) ?? null;
  }
}

function routes(routing: AiRouting, c: Conversation): boolean {
  if (routing.channels.length && !routing.channels.includes(c.channelType)) return false;
  if (routing.teamIds.length && !(c.teamId && routing.teamIds.includes(c.teamId))) return false;
  return true;
}

function statusEvent(agent: AiAgent): DomainEvent {
  return { type: 'ai_agent.status_changed', accountId: agent.accountId, agentId: agent.id, status: agent.status };
}
