import { type Conversation, isStaff, type SearchPage } from '@switchboard/protocol';

import { type Actor, customerView } from '../access/policy';
import { AppError, forbidden, notFound } from '../errors';
import type { Db, Queryable } from '../storage/db';
import { InboxRepo, newestMessage } from '../storage/repos/inbox';
import { LabelsRepo } from '../storage/repos/labels';
import { MessagesRepo } from '../storage/repos/messages';
import { SearchRepo } from '../storage/repos/search';
import type { ConversationFilter, ConversationService } from './conversation-service';
import type { Publisher } from './publisher';

/**
 * The inbox as one reader sees it (issue 16): conversations with their contact, a preview of the
 * newest message and the reader's own unread count, and the read position that count is kept by.
 * Access is the conversation service's: what it refuses, the inbox never shows.
 */
export class InboxService {
  constructor(
    private readonly db: Db,
    private readonly conversations: ConversationService,
    private readonly publisher: Publisher,
  ) {}

  async list(actor: Actor, opts: ConversationFilter = {}): Promise<Conversation[]> {
    return this.withFields(actor, await this.conversations.list(actor, opts));
  }

  async get(actor: Actor, id: string): Promise<Conversation> {
    const [conversation] = await this.withFields(actor, [await this.conversations.getReadable(actor, id)]);
    return conversation as Conversation;
  }

  /**
   * Moves the actor's read position up to `messageId` (or the newest message) and answers the
   * conversation with its new unread count. A position never moves backwards. When it moved, the
   * reader's other tabs and devices hear the new count (`read_position_changed`), so a badge cleared
   * on one screen clears on all of them.
   */
  async markRead(actor: Actor, conversationId: string, messageId?: string): Promise<Conversation> {
    await this.conversations.getReadable(actor, conversationId);
    const target = messageId
      ? await this.messageIn(actor, conversationId, messageId)
      : await newestMessage(this.db, actor.accountId, conversationId);
    const moved = target ? await new InboxRepo(this.db).advance(actor.accountId, actor.userId, conversationId, target.id) : false;
    if (moved && target) await announceReadPosition(this.db, this.publisher, actor, conversationId, target.id);
    return this.get(actor, conversationId);
  }

  /**
   * Staff search their own tenant; a customer may not search at all (it would reach other
   * customers' words). The cursor is opaque to callers: the offset of the next page.
   */
  async search(actor: Actor, text: string, cursor?: string, limit = 20): Promise<SearchPage> {
    if (!isStaff(actor.role)) throw forbidden('Only staff may search');
    const offset = cursor === undefined ? 0 : decodeCursor(cursor);
    const hits = await new SearchRepo(this.db).search(actor.accountId, text, { offset, limit: limit + 1 });
    return { hits: hits.slice(0, limit), nextCursor: hits.length > limit ? encodeCursor(offset + limit) : null };
  }

  private async messageIn(actor: Actor, conversationId: string, messageId: string): Promise<{ id: string }> {
    const message = await new MessagesRepo(this.db).get(actor.accountId, messageId);
    if (!message || message.conversationId !== conversationId) throw notFound('Message');
    return message;
  }

  private async withFields(actor: Actor, conversations: Conversation[]): Promise<Conversation[]> {
    const ids = conversations.map((c) => c.id);
    const fields = await new InboxRepo(this.db).fieldsFor(actor.accountId, readerOf(actor), ids);
    // Labels and the AI's triage are the team's view of a customer: staff reads only (issue 16).
    if (!isStaff(actor.role)) return conversations.map((c) => customerView({ ...c, ...fields.get(c.id) }));
    const labels = await new LabelsRepo(this.db).forConversations(actor.accountId, ids);
    return conversations.map((c) => ({ ...c, ...fields.get(c.id), labels: labels.get(c.id) ?? [] }));
  }
}

function readerOf(actor: Actor): { id: string; staff: boolean } {
  return { id: actor.userId, staff: isStaff(actor.role) };
}

function encodeCursor(offset: number): string {
  return Buffer.from(`o:${offset}`).toString('base64url');
}

function decodeCursor(cursor: string): number {
  const match = /^o:(\d{1,6})$/.exec(Buffer.from(cursor, 'base64url').toString());
  if (!match) throw new AppError('VALIDATION_FAILED', 'Unknown search cursor');
  return Number(match[1]);
}

/**
 * After a reader's position moved (the HTTP read, or a `mark_read` receipt in MessageService): their
 * own tabs and devices hear the unread count that remains, as `read_position_changed`.
 */
export async function announceReadPosition(
  q: Queryable,
  publisher: Publisher,
  actor: Actor,
  conversationId: string,
  lastReadMessageId: string,
): Promise<void> {
  const fields = (await new InboxRepo(q).fieldsFor(actor.accountId, readerOf(actor), [conversationId])).get(conversationId);
  publisher.signal({
    type: 'read.moved',
    accountId: actor.accountId,
    userId: actor.userId,
    conversationId,
    unreadCount: fields?.unreadCount ?? 0,
    lastReadMessageId,
  });
}
