import type { Classification, Conversation, Handoff, HandoffDestination, HandoffTrigger } from '@switchboard/protocol';

import type { Actor } from '../access/policy';
import type { ConversationService } from '../domain/conversation-service';
import type { DomainEvent } from '../domain/domain-event';
import { forbidden } from '../errors';
import type { Db, Queryable } from '../storage/db';
import { ConversationsRepo } from '../storage/repos/conversations';
import { HandoffsRepo } from '../storage/repos/handoffs';
import { MessagesRepo } from '../storage/repos/messages';
import { UsersRepo } from '../storage/repos/users';
import { aiActor } from './ai-actor';
import { summarizeForHandoff } from './conversation-summary';

export interface HandoffRequest {
  accountId: string;
  conversationId: string;
  trigger: HandoffTrigger;
  detail?: string;
  /** The AI agent handing over, when one was answering. */
  agentId: string | null;
  /** The customer message that caused it. */
  messageId: string | null;
  /** From the tenant's handoff rules; null is the shared queue. */
  destination: HandoffDestination | null;
  classification?: Classification | null;
}

/**
 * Hands a conversation from the AI to people (a handoff): in one transaction the
 * status becomes HANDED_OFF, the handoff is recorded with a summary, the
 * destination agent is assigned (or the team set), and `handoff_triggered` is
 * logged. The destination hears of it through the notification service, which
 * reacts to `handoff.triggered` by notifying the assignee, else the team, else
 * the admins. A conversation already handed off or resolved is left alone, so
 * a retried job hands off once.
 */
export class HandoffService {
  constructor(
    private readonly db: Db,
    private readonly conversations: ConversationService,
  ) {}

  async handOff(req: HandoffRequest): Promise<Handoff | null> {
    const conversation = await new ConversationsRepo(this.db).get(req.accountId, req.conversationId);
    if (!conversation || conversation.status === 'HANDED_OFF' || conversation.status === 'RESOLVED') return null;
    const history = await new MessagesRepo(this.db).listBefore(req.accountId, req.conversationId, { limit: 50 });
    const summary = summarizeForHandoff({
      history,
      trigger: req.trigger,
      detail: req.detail,
      classification: req.classification ?? conversation.classification,
    });
    const destination = await this.reachable(req.accountId, req.destination);
    let handoff: Handoff | null = null;
    await this.conversations.updateStatus(aiActor(req.accountId, req.agentId), req.conversationId, 'HANDED_OFF', async (tx, changed) => {
      handoff = await new HandoffsRepo(tx).create({
        accountId: req.accountId,
        conversationId: req.conversationId,
        trigger: req.trigger,
        destination,
        summary,
        agentId: req.agentId,
        messageId: req.messageId,
      });
      const events = await routeTo(tx, changed.conversation, destination, req.agentId);
      const h = handoff;
      events.unshift({
        type: 'handoff.triggered',
        accountId: req.accountId,
        conversationId: h.conversationId,
        handoffId: h.id,
        trigger: h.trigger,
        destination: h.destination,
        summary: h.summary,
        agentId: h.agentId,
      });
      return events;
    });
    return handoff;
  }

  /** The latest handoff of a conversation, as a list of at most one. */
  lastFor(accountId: string, conversationId: string): Promise<Handoff[]> {
    return new HandoffsRepo(this.db).listForConversation(accountId, conversationId, 1);
  }

  async list(actor: Actor, conversationId: string): Promise<Handoff[]> {
    if (actor.role === 'customer') throw forbidden('Handoffs are for staff');
    await this.conversations.getReadable(actor, conversationId);
    return new HandoffsRepo(this.db).listForConversation(actor.accountId, conversationId);
  }

  /** A destination agent who is not a known agent or admin of the tenant would strand the customer: the queue takes it. */
  private async reachable(accountId: string, destination: HandoffDestination | null): Promise<HandoffDestination> {
    if (!destination) return { type: 'queue' };
    if (destination.type !== 'agent') return destination;
    return (await new UsersRepo(this.db).exists(accountId, destination.id, ['admin', 'agent'])) ? destination : { type: 'queue' };
  }
}

async function routeTo(
  tx: Queryable,
  conversation: Conversation,
  destination: HandoffDestination,
  by: string | null,
): Promise<DomainEvent[]> {
  const repo = new ConversationsRepo(tx);
  if (destination.type === 'team' && conversation.teamId !== destination.id) {
    await repo.setTeam(conversation.accountId, conversation.id, destination.id);
    return [];
  }
  if (destination.type !== 'agent' || conversation.assigneeId === destination.id) return [];
  const assigned = await repo.setAssignee(conversation.accountId, conversation.id, destination.id);
  if (!assigned) return [];
  return [
    {
      type: 'conversation.assigned',
      accountId: conversation.accountId,
      conversation: assigned.conversation,
      previousAssigneeId: assigned.previousAssigneeId,
      by: by ?? 'ai',
    },
  ];
}
