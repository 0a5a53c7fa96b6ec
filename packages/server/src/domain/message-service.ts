import type { ContentType, DeliveryStatus, Message, MessageRole } from '@switchboard/protocol';
import { can, type Actor } from '../access/policy';
import { AppError, forbidden, notFound } from '../errors';
import type { Db } from '../storage/db';
import { ConversationsRepo } from '../storage/repos/conversations';
import { MessagesRepo } from '../storage/repos/messages';
import { ReceiptsRepo } from '../storage/repos/receipts';
import { InboxRepo } from '../storage/repos/inbox';
import type { ConversationService } from './conversation-service';
import type { DomainEvent, LoggedEvent } from './domain-event';
import { logEvents } from './event-log';
import type { Publisher } from './publisher';

export interface SendInput {
  conversationId: string;
  content: string;
  contentType: ContentType;
  clientMessageId?: string | undefined;
  mediaUrl?: string | null;
  externalId?: string | null;
  /** Set by system callers (AI, bridges); people get theirs from their role. */
  role?: MessageRole;
  confidence?: number | null;
  latencyMs?: number | null;
}

export interface SendResult {
  message: Message;
  /** False when clientMessageId matched a stored message: nothing was written or broadcast. */
  created: boolean;
}

/**
 * The one path every message takes, whatever surface it came through
 * (002's "New Message Flow"): check, store the message with its audit row and
 * log event in one transaction, and only then answer and broadcast.
 */
export class MessageService {
  constructor(
    private readonly db: Db,
    private readonly publisher: Publisher,
    private readonly conversations: ConversationService,
  ) {}

  async send(actor: Actor, input: SendInput): Promise<SendResult> {
    const conversation = await this.conversations.getReadable(actor, input.conversationId);
    if (!can.writeToConversation(actor, conversation)) throw forbidden('Viewers cannot send messages');
    const role: MessageRole = input.role ?? (actor.role === 'customer' ? 'USER' : 'HUMAN_AGENT');

    const result = await this.db.transaction(async (tx) => {
      const appended = await new MessagesRepo(tx).append(
        {
          accountId: actor.accountId,
          conversationId: conversation.id,
          role,
          senderId: role === 'ASSISTANT' || role === 'SYSTEM' ? null : actor.userId,
          content: input.content,
          contentType: input.contentType,
          clientMessageId: input.clientMessageId ?? null,
          externalId: input.externalId ?? null,
          mediaUrl: input.mediaUrl ?? null,
          confidence: input.confidence ?? null,
          latencyMs: input.latencyMs ?? null,
        },
        actor.userId,
      );
      if (!appended) throw notFound('Conversation');
      const { message, created, ticketed } = appended;
      if (!created) return { message, created, logged: [] as LoggedEvent[] };
      let current = appended.conversation ?? conversation;
      const events: DomainEvent[] = [];
      // A customer writing into a resolved conversation reopens it.
      if (role === 'USER' && current.status === 'RESOLVED') {
        const changed = await new ConversationsRepo(tx).updateStatus(actor.accountId, conversation.id, 'OPEN');
        if (changed) {
          current = changed.conversation;
          events.push({ type: 'conversation.status_changed', accountId: actor.accountId, conversation: current, previousStatus: changed.previousStatus, by: actor.userId });
        }
      }
      events.unshift({ type: 'message.created', accountId: actor.accountId, conversation: current, message, ticketed });
      return { message, created, logged: await logEvents(tx, events) };
    });
    result.logged.forEach((e) => this.publisher.publish(e));
    return { message: result.message, created: result.created };
  }

  async list(actor: Actor, conversationId: string, opts: { after?: string; limit?: number }): Promise<Message[]> {
    await this.conversations.getReadable(actor, conversationId);
    return new MessagesRepo(this.db).listAfter(actor.accountId, conversationId, { afterId: opts.after, limit: opts.limit ?? 50 });
  }

  /** A recipient's client received a message, or read it: stored per recipient, then the message's status moves forward. */
  async mark(actor: Actor, conversationId: string, messageId: string, status: Exclude<DeliveryStatus, 'sent'>): Promise<Message> {
    await this.conversations.getReadable(actor, conversationId);
    const message = await new MessagesRepo(this.db).get(actor.accountId, messageId);
    if (!message || message.conversationId !== conversationId) throw notFound('Message');
    if (message.senderId === actor.userId) throw new AppError('VALIDATION_FAILED', 'Receipts are for messages others sent');
    const { updated, logged } = await this.db.transaction(async (tx) => {
      const receipts = new ReceiptsRepo(tx);
      if (status === 'read') await receipts.record(actor.accountId, messageId, actor.userId, 'delivered');
      // The reader's inbox position (issue 16) moves with its read receipt, in the same transaction.
      if (status === 'read') await new InboxRepo(tx).advance(actor.accountId, actor.userId, conversationId, messageId);
      const isNew = await receipts.record(actor.accountId, messageId, actor.userId, status);
      const moved = isNew ? await new MessagesRepo(tx).setStatus(actor.accountId, messageId, status) : null;
      if (!moved?.changed) return { updated: moved?.message ?? message, logged: [] as LoggedEvent[] };
      const event: DomainEvent = {
        type: 'message.status', accountId: actor.accountId, conversationId, messageId, senderId: message.senderId,
        status: moved.message.status, userId: actor.userId, at: new Date().toISOString(),
      };
      return { updated: moved.message, logged: await logEvents(tx, [event]) };
    });
    logged.forEach((e) => this.publisher.publish(e));
    return updated;
  }

  /**
   * A delivery status the channel itself reported (WhatsApp's sent, delivered, read), for trusted
   * system callers such as the RabbitMQ bridge, so there is no actor to check. The receipt is the
   * conversation contact's, and the message's status only ever moves forward.
   */
  async applyChannelStatus(
    accountId: string,
    ref: { messageId: string } | { externalId: string },
    status: DeliveryStatus,
    at: string,
  ): Promise<{ message: Message; changed: boolean }> {
    const { result, logged } = await this.db.transaction(async (tx) => {
      const messages = new MessagesRepo(tx);
      const message = 'messageId' in ref ? await messages.get(accountId, ref.messageId) : await messages.findByExternalId(accountId, ref.externalId);
      if (!message) throw notFound('Message');
      const unchanged = { result: { message, changed: false }, logged: [] as LoggedEvent[] };
      if (status === 'sent') return unchanged;
      const conversation = await new ConversationsRepo(tx).get(accountId, message.conversationId);
      const reader = conversation?.contactId && conversation.contactId !== message.senderId ? conversation.contactId : null;
      if (reader) {
        const receipts = new ReceiptsRepo(tx);
        if (status === 'read') await receipts.record(accountId, message.id, reader, 'delivered', at);
        await receipts.record(accountId, message.id, reader, status, at);
      }
      const moved = await messages.setStatus(accountId, message.id, status);
      if (!moved?.changed) return { ...unchanged, result: { message: moved?.message ?? message, changed: false } };
      const event: DomainEvent = {
        type: 'message.status', accountId, conversationId: message.conversationId, messageId: message.id, senderId: message.senderId,
        status: moved.message.status, userId: reader, at,
      };
      return { result: moved, logged: await logEvents(tx, [event]) };
    });
    logged.forEach((e) => this.publisher.publish(e));
    return result;
  }
}
