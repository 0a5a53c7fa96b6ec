import type { AttachmentRef, ContentType, DeliveryStatus, Message, MessageRole } from '@switchboard/protocol';

import { type Actor, can } from '../access/policy';
import { AppError, forbidden, notFound } from '../errors';
import type { Db } from '../storage/db';
import { ConversationsRepo } from '../storage/repos/conversations';
import { InboxRepo } from '../storage/repos/inbox';
import { MessagesRepo } from '../storage/repos/messages';
import { ReceiptsRepo } from '../storage/repos/receipts';
import { attachmentsForMessage } from './attachment-service';
import { ConversationAccess } from './conversation-access';
import type { ConversationService } from './conversation-service';
import type { DomainEvent, LoggedEvent } from './domain-event';
import { logEvents } from './event-log';
import { GroupCommit } from './group-commit';
import { announceReadPosition } from './inbox-service';
import { type FlushPhases, MessageWriter, type SendJob } from './message-writer';
import type { Publisher } from './publisher';

/** Sends waiting before a second flush overlaps a running one (PostgreSQL). */
const OVERLAP_AT = 64;
/**
 * How long a PGlite flush that follows a busy one may wait for more sends, ms: its fixed cost (~1.5 ms)
 * is CPU on the thread that serves the sockets (docs/decisions.md, "Embedded CPU per message"), and
 * the whole path costs less per message in bigger flushes (fewer turns, fewer scavenges). 5 ms and
 * 24 sends took ~7% off the CPU a message at 1,000/s in one tenant against 3 ms and 16, and the
 * server tipped into saturation less often (docs/decisions.md, "One tenant at 1,000 msg/s").
 */
const PGLITE_LINGER_MS = 5;
/**
 * A linger follows only a flush of at least this many sends: at a few hundred sends a second most
 * flushes hold one or two, and a wait there would only add latency; at 1,000/s they hold ~8–10.
 */
const LINGER_AFTER = 4;
/** Sends waiting that end a linger at once (batches this big already spread most of a flush's fixed cost). */
const LINGER_UNTIL = 24;

/** What a send locks when it is written: its conversation's row. */
const conversationKey = (job: SendJob) => `${job.actor.accountId}\u0000${job.input.conversationId}`;

export interface SendInput {
  conversationId: string;
  content: string;
  contentType: ContentType;
  clientMessageId?: string | undefined;
  mediaUrl?: string | null;
  /** Attachments uploaded into this conversation to send with the message (issue 16). */
  attachmentIds?: string[] | undefined;
  /** The attachments resolved from `attachmentIds`, set by {@link MessageService.send}. */
  attachments?: AttachmentRef[];
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
 * The one path every message takes, whatever surface it came through:
 * check, store the message with its audit row and
 * log event in one transaction, and only then answer and broadcast.
 *
 * Sends go through the write pipeline (group-commit.ts, message-writer.ts): sends
 * arriving while a flush runs are written together by the next one, so under load one
 * commit serves many messages. The right to write is decided by the write itself
 * (no read before it); `access` refuses early what this node already knows is refused.
 */
export class MessageService {
  readonly access = new ConversationAccess();
  private readonly pipeline: GroupCommit<SendJob, SendResult>;

  constructor(
    private readonly db: Db,
    private readonly publisher: Publisher,
    private readonly conversations: ConversationService,
    opts: {
      onFlush?: (sends: number, ms: number) => void;
      /** Where each flush's time went (message-writer.ts). */
      onFlushPhases?: (phases: FlushPhases) => void;
      maxBatch?: number;
      maxInFlight?: number;
      overlapAt?: number;
      /**
       * Which sends a flush that starts while another runs may take: `disjoint` (default), only those
       * whose conversation no running flush holds; `any`, the queue's head (the rule before; tools compare).
       */
      overlap?: 'disjoint' | 'any';
      /** See GroupCommitOptions.lingerMs; default PGLITE_LINGER_MS on PGlite, 0 on PostgreSQL. */
      lingerMs?: number;
      ackDelayMs?: number;
      /** See MessageWriter's `form` (one statement by default); tools compare the two. */
      flushForm?: 'statement' | 'transaction';
    } = {},
  ) {
    const writer = new MessageWriter(
      db,
      publisher,
      (facts) => this.access.learn(facts),
      opts.ackDelayMs,
      opts.onFlushPhases,
      opts.flushForm,
    );
    // PostgreSQL: two flushes at once, the second only once OVERLAP_AT sends (and half the running
    // flush) wait (docs/decisions.md, "Ingest on PostgreSQL"), and only sends to conversations the
    // running flush does not hold: it never waits for the first's row locks, so per conversation the
    // sends still go out in order, one flush at a time (docs/decisions.md, "PostgreSQL stalls at
    // 1,000 msg/s: the overlap rule"). Within one account the second still draws its seqs after the
    // first commits (the account's append lock), but its messages, conversation updates and audit
    // rows are written meanwhile, and this node answers the first's sends while it runs.
    // PGlite has one connection and runs on this thread: a second flush could only wait.
    const pipelined = db.kind === 'postgres';
    this.pipeline = new GroupCommit({
      flush: writer.flush,
      maxBatch: opts.maxBatch ?? 1_000,
      maxInFlight: opts.maxInFlight ?? (pipelined ? 2 : 1),
      overlapAt: opts.overlapAt ?? OVERLAP_AT,
      ...(opts.overlap === 'any' ? {} : { keyOf: conversationKey }),
      // PGlite: under load, the next flush waits a little for more sends. PostgreSQL's fixed cost per
      // flush is mostly a wait (the commit), which the second flush in flight already hides.
      lingerMs: opts.lingerMs ?? (pipelined ? 0 : PGLITE_LINGER_MS),
      lingerAfter: LINGER_AFTER,
      lingerUntil: LINGER_UNTIL,
      onFlush: opts.onFlush,
    });
  }

  async send(actor: Actor, input: SendInput): Promise<SendResult> {
    if (actor.role === 'viewer') {
      // Refused whatever the conversation; read first so a missing one still answers NOT_FOUND.
      const conversation = await this.conversations.getReadable(actor, input.conversationId);
      if (!can.writeToConversation(actor, conversation)) throw forbidden('Viewers cannot send messages');
    }
    const refusal = this.access.refusal(actor, input.conversationId);
    if (refusal) throw refusal;
    const role: MessageRole = input.role ?? (actor.role === 'customer' ? 'USER' : 'HUMAN_AGENT');
    // Attachments come only from ids checked here, never from a caller's own summaries.
    if (input.attachments) input = { ...input, attachments: [] };
    if (input.attachmentIds?.length) {
      const attachments = await attachmentsForMessage(this.db, actor.accountId, input.conversationId, input.attachmentIds);
      // A text message that carries files is a file (or image) message, for channels that care.
      const contentType =
        input.contentType !== 'text' ? input.contentType : attachments.every((a) => a.kind === 'image') ? 'image' : 'file';
      return this.pipeline.submit({ actor, input: { ...input, attachments, contentType }, role, submittedAt: performance.now() });
    }
    return this.pipeline.submit({ actor, input, role, submittedAt: performance.now() });
  }

  /** Resolves when every send submitted so far is written and answered (for shutdown). */
  drain(): Promise<void> {
    return this.pipeline.drain();
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
    let positionMoved = false;
    const { updated, logged } = await this.db.transaction(async (tx) => {
      const receipts = new ReceiptsRepo(tx);
      if (status === 'read') await receipts.record(actor.accountId, messageId, actor.userId, 'delivered');
      // The reader's inbox position (issue 16) moves with its read receipt, in the same transaction.
      if (status === 'read') positionMoved = await new InboxRepo(tx).advance(actor.accountId, actor.userId, conversationId, messageId);
      const isNew = await receipts.record(actor.accountId, messageId, actor.userId, status);
      const moved =
        isNew && can.moveDeliveryStatus(actor) ? await new MessagesRepo(tx).setStatus(actor.accountId, messageId, status) : null;
      if (!moved?.changed) return { updated: moved?.message ?? message, logged: [] as LoggedEvent[] };
      const event: DomainEvent = {
        type: 'message.status',
        accountId: actor.accountId,
        conversationId,
        messageId,
        senderId: message.senderId,
        status: moved.message.status,
        userId: actor.userId,
        at: new Date().toISOString(),
      };
      return { updated: moved.message, logged: await logEvents(tx, [event]) };
    });
    logged.forEach((e) => this.publisher.publish(e));
    if (positionMoved) await announceReadPosition(this.db, this.publisher, actor, conversationId, messageId);
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
      const message =
        'messageId' in ref ? await messages.get(accountId, ref.messageId) : await messages.findByExternalId(accountId, ref.externalId);
      if (!message) throw notFound('Message');
      const unchanged = { result: { message, changed: false }, logged: [] as LoggedEvent[] };
      const conversation = await new ConversationsRepo(tx).get(accountId, message.conversationId);
      const reader = conversation?.contactId && conversation.contactId !== message.senderId ? conversation.contactId : null;
      const announce = async (m: Message) => {
        const event: DomainEvent = {
          type: 'message.status',
          accountId,
          conversationId: m.conversationId,
          messageId: m.id,
          senderId: m.senderId,
          status: m.status,
          userId: reader,
          at,
        };
        return { result: { message: m, changed: true }, logged: await logEvents(tx, [event]) };
      };
      if (status === 'sent') {
        // Every message is stored as `sent`, so this moves nothing; it is announced (the widget's status_update)
        // once per recipient, and only while nothing later was reported.
        if (!reader || message.status !== 'sent') return unchanged;
        if (!(await new ReceiptsRepo(tx).record(accountId, message.id, reader, 'sent', at))) return unchanged;
        return announce(message);
      }
      if (reader) {
        const receipts = new ReceiptsRepo(tx);
        if (status === 'read') await receipts.record(accountId, message.id, reader, 'delivered', at);
        await receipts.record(accountId, message.id, reader, status, at);
      }
      const moved = await messages.setStatus(accountId, message.id, status);
      if (!moved?.changed) return { ...unchanged, result: { message: moved?.message ?? message, changed: false } };
      return announce(moved.message);
    });
    logged.forEach((e) => this.publisher.publish(e));
    return result;
  }
}
