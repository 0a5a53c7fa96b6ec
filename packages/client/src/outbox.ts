import type { ContentType, Message } from '@switchboard/protocol';

import { SwitchboardError } from './api-error';
import { SEND_RETRY_DELAYS_MS, sleep } from './backoff';
import { newClientMessageId } from './client-message-id';

export type OutboxState = 'sending' | 'retrying' | 'queued' | 'sent' | 'failed';

export interface OutboxEntry {
  clientMessageId: string;
  conversationId: string;
  content: string;
  contentType: ContentType;
  /** Uploaded attachments sent with the text (issue 16). */
  attachmentIds?: string[];
  state: OutboxState;
  attempts: number;
  createdAt: string;
  /** The stored message, once acknowledged. */
  message?: Message;
  error?: SwitchboardError;
}

export interface SendInput {
  conversationId: string;
  content: string;
  contentType?: ContentType;
  /** Reuse an id to resend the same message; new sends get a fresh one. */
  clientMessageId?: string;
  /** Attachments uploaded into the conversation first (HttpApi.uploadAttachment). */
  attachmentIds?: string[];
}

export type SendTransport = (
  payload: Required<Omit<SendInput, 'contentType' | 'attachmentIds'>> & { contentType: ContentType; attachmentIds?: string[] },
) => Promise<Message>;

/**
 * Messages on their way to the server. Each keeps one clientMessageId for all
 * its attempts, so a retry after a lost ack is stored once (the
 * server's send_message is idempotent by that id). A failed attempt is retried after 100,
 * 200 and 400 ms; if the network is still gone the entry waits as `queued`
 * and goes with the next {@link flush} (on reconnect). Refusals that will not
 * change (validation, forbidden) end as `failed`.
 */
export class Outbox {
  private readonly entries = new Map<string, OutboxEntry>();
  private readonly waiters = new Map<string, { resolve: (m: Message) => void; reject: (e: SwitchboardError) => void }>();
  private readonly listeners = new Set<(entry: OutboxEntry) => void>();
  private readonly inFlight = new Set<string>();

  constructor(
    private readonly transport: SendTransport,
    private readonly delays: readonly number[] = SEND_RETRY_DELAYS_MS,
  ) {}

  /** Queues a message and starts sending it; resolves with the stored message. */
  send(input: SendInput): { entry: OutboxEntry; done: Promise<Message> } {
    const clientMessageId = input.clientMessageId ?? newClientMessageId();
    const existing = this.entries.get(clientMessageId);
    const entry: OutboxEntry = existing ?? {
      clientMessageId,
      conversationId: input.conversationId,
      content: input.content,
      contentType: input.contentType ?? 'text',
      ...(input.attachmentIds?.length ? { attachmentIds: [...input.attachmentIds] } : {}),
      state: 'sending',
      attempts: 0,
      createdAt: new Date().toISOString(),
    };
    this.entries.set(clientMessageId, entry);
    const done = new Promise<Message>((resolve, reject) => {
      const previous = this.waiters.get(clientMessageId);
      this.waiters.set(clientMessageId, {
        resolve: (m) => (previous?.resolve(m), resolve(m)),
        reject: (e) => (previous?.reject(e), reject(e)),
      });
    });
    // Callers that only watch the entry's state must not see an unhandled rejection.
    done.catch(() => undefined);
    void this.run(clientMessageId);
    return { entry: { ...entry }, done };
  }

  /** Sends every queued entry again (same ids); call when the connection is back. */
  flush(): void {
    for (const entry of this.entries.values()) if (entry.state === 'queued') void this.run(entry.clientMessageId);
  }

  /** Tries a failed or queued entry again. */
  retry(clientMessageId: string): void {
    const entry = this.entries.get(clientMessageId);
    if (entry && (entry.state === 'failed' || entry.state === 'queued')) void this.run(clientMessageId);
  }

  discard(clientMessageId: string): void {
    const entry = this.entries.get(clientMessageId);
    if (!entry || this.inFlight.has(clientMessageId)) return;
    this.entries.delete(clientMessageId);
    this.waiters.get(clientMessageId)?.reject(new SwitchboardError('VALIDATION_FAILED', 'Discarded'));
    this.waiters.delete(clientMessageId);
  }

  /** Entries not yet stored (sending, retrying, queued, failed), oldest first. */
  pending(conversationId?: string): OutboxEntry[] {
    return [...this.entries.values()]
      .filter((e) => e.state !== 'sent' && (!conversationId || e.conversationId === conversationId))
      .map((e) => ({ ...e }));
  }

  onChange(listener: (entry: OutboxEntry) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private async run(id: string): Promise<void> {
    if (this.inFlight.has(id)) return;
    const entry = this.entries.get(id);
    if (!entry) return;
    this.inFlight.add(id);
    try {
      for (let retry = 0; ; retry++) {
        this.update(entry, { state: retry === 0 ? 'sending' : 'retrying', attempts: entry.attempts + 1 });
        try {
          const message = await this.transport({
            conversationId: entry.conversationId,
            content: entry.content,
            contentType: entry.contentType,
            clientMessageId: entry.clientMessageId,
            ...(entry.attachmentIds ? { attachmentIds: entry.attachmentIds } : {}),
          });
          this.update(entry, { state: 'sent', message, error: undefined });
          // A sent entry is only kept long enough for views to swap it for the stored message.
          this.entries.delete(id);
          this.waiters.get(id)?.resolve(message);
          this.waiters.delete(id);
          return;
        } catch (err) {
          const error = err instanceof SwitchboardError ? err : new SwitchboardError('INTERNAL', String(err));
          const delay = this.delays[retry];
          if (!error.retryable) {
            this.update(entry, { state: 'failed', error });
            this.waiters.get(id)?.reject(error);
            this.waiters.delete(id);
            return;
          }
          if (delay === undefined) {
            this.update(entry, { state: 'queued', error });
            return;
          }
          await sleep(delay);
        }
      }
    } finally {
      this.inFlight.delete(id);
    }
  }

  private update(entry: OutboxEntry, patch: Partial<OutboxEntry>): void {
    Object.assign(entry, patch);
    const snapshot = { ...entry };
    for (const l of [...this.listeners]) l(snapshot);
  }
}
