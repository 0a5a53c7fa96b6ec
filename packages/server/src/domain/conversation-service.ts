import { type ChannelType, type Conversation, type ConversationStatus, isStaff } from '@switchboard/protocol';

import { type Actor, can } from '../access/policy';
import { AppError, forbidden, notFound } from '../errors';
import type { Db, Queryable } from '../storage/db';
import { ConversationEventsRepo } from '../storage/repos/conversation-events';
import { ConversationsRepo, type ListConversationsOptions } from '../storage/repos/conversations';
import { UsersRepo } from '../storage/repos/users';
import type { DomainEvent } from './domain-event';
import { logEvents } from './event-log';
import type { Publisher } from './publisher';

export interface CreateConversationInput {
  subject?: string | null;
  channelType?: ChannelType;
  contactId?: string | null;
  teamId?: string | null;
  externalId?: string | null;
}

/** What an inbox list may be narrowed by (GET /api/conversations). */
export interface ConversationFilter {
  status?: ConversationStatus | undefined;
  limit?: number | undefined;
  before?: string | undefined;
  /** A user id, `me` or `none` (unassigned). */
  assignee?: string | undefined;
  team?: string | undefined;
  /** A label id; staff only. */
  label?: string | undefined;
}

/** Conversations: open, read, change status, assign. Every change is logged and then published. */
export class ConversationService {
  constructor(
    private readonly db: Db,
    private readonly publisher: Publisher,
  ) {}

  /** A conversation the actor may read, or NOT_FOUND (another tenant's looks the same as a missing one). */
  async getReadable(actor: Actor, id: string, q: Queryable = this.db): Promise<Conversation> {
    const conversation = await new ConversationsRepo(q).get(actor.accountId, id);
    if (!conversation) throw notFound('Conversation');
    if (!can.readConversation(actor, conversation)) throw forbidden('This conversation is not yours');
    return conversation;
  }

  async list(actor: Actor, opts: ConversationFilter = {}): Promise<Conversation[]> {
    const filter: ListConversationsOptions = { limit: opts.limit ?? 50 };
    if (opts.status) filter.status = opts.status;
    if (opts.before) filter.beforeId = opts.before;
    // `me` is the caller, `none` the unassigned ones (issue 16's inbox filters).
    if (opts.assignee) filter.assigneeId = opts.assignee === 'none' ? null : opts.assignee === 'me' ? actor.userId : opts.assignee;
    if (opts.team) filter.teamId = opts.team;
    if (opts.label) {
      if (!isStaff(actor.role)) throw forbidden('Labels are for staff');
      filter.labelId = opts.label;
    }
    if (actor.role === 'customer') filter.contactId = actor.userId;
    return new ConversationsRepo(this.db).list(actor.accountId, filter);
  }

  async create(actor: Actor, input: CreateConversationInput): Promise<Conversation> {
    const contactId = input.contactId ?? (actor.role === 'customer' ? actor.userId : null);
    if (!can.createConversationFor(actor, input.contactId ?? null)) throw forbidden('You may not open a conversation for someone else');
    const [logged, conversation] = await this.db.transaction(async (tx) => {
      const conversation = await new ConversationsRepo(tx).create({
        accountId: actor.accountId,
        contactId,
        subject: input.subject ?? null,
        channelType: input.channelType ?? 'web',
        teamId: input.teamId ?? null,
        externalId: input.externalId ?? null,
      });
      await new ConversationEventsRepo(tx).append({
        accountId: actor.accountId,
        conversationId: conversation.id,
        type: 'created',
        actorId: actor.userId,
        data: {},
      });
      return [await logEvents(tx, [{ type: 'conversation.created', accountId: actor.accountId, conversation }]), conversation] as const;
    });
    logged.forEach((e) => this.publisher.publish(e));
    return conversation;
  }

  /**
   * For channels that name their own threads (the RabbitMQ bridge's WhatsApp conversations): the
   * first message opens the conversation and announces it, later ones, retries and racing nodes get
   * the stored one. A thread that belongs to another contact is refused like any foreign conversation.
   */
  async openByExternalId(
    actor: Actor,
    input: CreateConversationInput & { externalId: string },
  ): Promise<{ conversation: Conversation; created: boolean }> {
    const contactId = input.contactId ?? (actor.role === 'customer' ? actor.userId : null);
    if (!can.createConversationFor(actor, input.contactId ?? null)) throw forbidden('You may not open a conversation for someone else');
    const [logged, conversation, created] = await this.db.transaction(async (tx) => {
      const { conversation, created } = await new ConversationsRepo(tx).createOrGetByExternalId({
        accountId: actor.accountId,
        contactId,
        subject: input.subject ?? null,
        channelType: input.channelType ?? 'web',
        teamId: input.teamId ?? null,
        externalId: input.externalId,
      });
      if (!created) return [[], conversation, false] as const;
      await new ConversationEventsRepo(tx).append({
        accountId: actor.accountId,
        conversationId: conversation.id,
        type: 'created',
        actorId: actor.userId,
        data: { externalId: input.externalId },
      });
      return [
        await logEvents(tx, [{ type: 'conversation.created', accountId: actor.accountId, conversation }]),
        conversation,
        true,
      ] as const;
    });
    if (!created && !can.readConversation(actor, conversation)) throw forbidden('This conversation is not yours');
    logged.forEach((e) => this.publisher.publish(e));
    return { conversation, created };
  }

  /**
   * `also` runs in the same transaction when the status really changes (never when it already was
   * `status`), for changes that come with more: a handoff writes its record and assignment there,
   * and its events follow the status change.
   */
  async updateStatus(
    actor: Actor,
    id: string,
    status: ConversationStatus,
    also?: (tx: Queryable, changed: { conversation: Conversation; previousStatus: ConversationStatus }) => Promise<DomainEvent[]>,
  ): Promise<Conversation> {
    return this.change(actor, id, async (tx, before) => {
      if (before.status === status) return { conversation: before, events: [] };
      const { conversation, previousStatus } = found(await new ConversationsRepo(tx).updateStatus(actor.accountId, id, status));
      const more = also && previousStatus !== status ? await also(tx, { conversation, previousStatus }) : [];
      return {
        conversation,
        type: 'status_changed',
        data: { from: previousStatus, to: status },
        events: [
          { type: 'conversation.status_changed', accountId: actor.accountId, conversation, previousStatus, by: actor.userId },
          ...more,
        ],
      };
    });
  }

  async assign(actor: Actor, id: string, agentId: string): Promise<Conversation> {
    const assignee = await new UsersRepo(this.db).get(actor.accountId, agentId);
    if (!assignee || !can.beAssigned(assignee.role)) throw new AppError('NOT_FOUND', 'No such agent in this tenant');
    return this.change(actor, id, async (tx, before) => {
      if (before.assigneeId === agentId) return { conversation: before, events: [] };
      const { conversation, previousAssigneeId } = found(await new ConversationsRepo(tx).setAssignee(actor.accountId, id, agentId));
      return {
        conversation,
        type: 'assigned',
        data: { from: previousAssigneeId, to: agentId },
        events: [{ type: 'conversation.assigned', accountId: actor.accountId, conversation, previousAssigneeId, by: actor.userId }],
      };
    });
  }

  async unassign(actor: Actor, id: string): Promise<Conversation> {
    return this.change(actor, id, async (tx, before) => {
      if (before.assigneeId === null) return { conversation: before, events: [] };
      const { conversation, previousAssigneeId } = found(await new ConversationsRepo(tx).setAssignee(actor.accountId, id, null));
      return {
        conversation,
        type: 'unassigned',
        data: { from: previousAssigneeId },
        events: [{ type: 'conversation.unassigned', accountId: actor.accountId, conversation, previousAssigneeId, by: actor.userId }],
      };
    });
  }

  /** Runs one checked change in a transaction with its audit row and log events, then publishes. */
  private async change(
    actor: Actor,
    id: string,
    apply: (
      tx: Queryable,
      before: Conversation,
    ) => Promise<{ conversation: Conversation; type?: string; data?: Record<string, unknown>; events: DomainEvent[] }>,
  ): Promise<Conversation> {
    const before = await this.getReadable(actor, id);
    if (!can.manageConversation(actor, before)) throw forbidden('Only agents and admins may change a conversation');
    const { conversation, logged } = await this.db.transaction(async (tx) => {
      const result = await apply(tx, before);
      if (result.type) {
        await new ConversationEventsRepo(tx).append({
          accountId: actor.accountId,
          conversationId: id,
          type: result.type,
          actorId: actor.userId,
          data: result.data ?? {},
        });
      }
      return { conversation: result.conversation, logged: await logEvents(tx, result.events) };
    });
    logged.forEach((e) => this.publisher.publish(e));
    return conversation;
  }
}

function found<T>(value: T | null): T {
  if (value === null) throw notFound('Conversation');
  return value;
}
