import type { SwitchboardError } from './api-error';
import { type ChatMessage, compareMessages, fromMessage, laterStatus } from './chat-message';
import type { Fact } from './facts';
import type { OutboxEntry, OutboxState } from './outbox';
import type { SwitchboardClient } from './switchboard-client';

/** A message in a feed: stored, or still in the outbox (`pending` says how it is going). */
export interface FeedMessage extends ChatMessage {
  pending?: Exclude<OutboxState, 'sent'>;
  error?: SwitchboardError;
}

export interface FeedSnapshot {
  conversationId: string;
  messages: readonly FeedMessage[];
  loading: boolean;
  error: SwitchboardError | Error | null;
}

/**
 * One conversation's messages: history from the API, live messages and status
 * changes from any vocabulary, and the outbox's optimistic entries, merged.
 * An optimistic entry is replaced by the stored message with the same
 * clientMessageId, whichever arrives first, the ack or the broadcast.
 * Framework-free; {@link useConversationMessages} wraps it for React.
 */
export class ConversationFeed {
  private readonly stored = new Map<string, ChatMessage>();
  private pending: OutboxEntry[] = [];
  private snapshot: FeedSnapshot;
  private readonly listeners = new Set<() => void>();
  private readonly unsubscribe: Array<() => void> = [];
  private started = false;

  constructor(
    private readonly client: SwitchboardClient,
    readonly conversationId: string,
    private readonly opts: { join?: boolean } = {},
  ) {
    this.snapshot = { conversationId, messages: [], loading: true, error: null };
  }

  /** Joins the room, listens, then loads history; live events that race the load are merged, not lost. */
  start(): void {
    if (this.started) return;
    this.started = true;
    this.unsubscribe.push(this.client.onFact((fact) => this.onFact(fact)));
    this.unsubscribe.push(
      this.client.outbox.onChange((entry) => {
        // The ack carries the stored message: show it even if its broadcast is late or never comes.
        if (entry.state === 'sent' && entry.message?.conversationId === this.conversationId) this.upsert(fromMessage(entry.message));
        this.pending = this.client.outbox.pending(this.conversationId);
        this.publish();
      }),
    );
    this.pending = this.client.outbox.pending(this.conversationId);
    if (this.opts.join !== false) void this.client.joinConversation(this.conversationId).catch((err: Error) => this.fail(err));
    void this.reload();
  }

  stop(): void {
    if (!this.started) return;
    this.started = false;
    for (const off of this.unsubscribe.splice(0)) off();
    if (this.opts.join !== false) void this.client.leaveConversation(this.conversationId);
  }

  async reload(): Promise<void> {
    try {
      const history = await this.client.api.allMessages(this.conversationId);
      for (const m of history) this.upsert(fromMessage(m));
      this.snapshot = { ...this.snapshot, loading: false, error: null };
    } catch (err) {
      this.snapshot = { ...this.snapshot, loading: false, error: err as Error };
    }
    this.publish();
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  getSnapshot(): FeedSnapshot {
    return this.snapshot;
  }

  /** Adds a message told by someone else (an ack, an SSE stream's final message). */
  add(message: ChatMessage): void {
    this.upsert(message);
    this.publish();
  }

  private onFact(fact: Fact): void {
    if (fact.kind === 'message' && fact.message.conversationId === this.conversationId) {
      this.upsert(fact.message);
      this.publish();
    } else if (fact.kind === 'status' && fact.conversationId === this.conversationId) {
      const m = this.stored.get(fact.messageId);
      if (m && laterStatus(m.status, fact.status) !== m.status) {
        this.stored.set(m.id, { ...m, status: fact.status });
        this.publish();
      }
    }
  }

  private upsert(message: ChatMessage): void {
    const known = this.stored.get(message.id);
    // A replayed or late copy never moves a status backwards.
    this.stored.set(message.id, known ? { ...known, ...message, status: laterStatus(known.status, message.status) } : message);
  }

  private fail(err: Error): void {
    this.snapshot = { ...this.snapshot, error: err };
    this.publish();
  }

  private publish(): void {
    const storedIds = new Set<string>();
    for (const m of this.stored.values()) if (m.clientMessageId) storedIds.add(m.clientMessageId);
    const me = this.client.identity;
    const optimistic: FeedMessage[] = this.pending
      .filter((p) => !storedIds.has(p.clientMessageId))
      .map((p) => ({
        id: `local:${p.clientMessageId}`,
        conversationId: p.conversationId,
        role: me?.role === 'customer' ? 'USER' : 'HUMAN_AGENT',
        senderId: me?.userId ?? null,
        content: p.content,
        contentType: p.contentType,
        clientMessageId: p.clientMessageId,
        status: 'sent',
        createdAt: p.createdAt,
        pending: p.state === 'sent' ? 'sending' : p.state,
        ...(p.error ? { error: p.error } : {}),
      }));
    // Optimistic entries stay last: they have no server time yet and were written after what is shown.
    const messages = [...[...this.stored.values()].sort(compareMessages), ...optimistic];
    this.snapshot = { ...this.snapshot, messages };
    for (const l of [...this.listeners]) l();
  }
}
