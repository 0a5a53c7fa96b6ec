import { type PayloadOf, streamServer as SSE } from '@switchboard/protocol';

type StreamDefs = typeof SSE;
/** One Server-Sent Event: a catalogued name and its payload. */
export type StreamEvent = {
  [K in keyof StreamDefs]: { event: StreamDefs[K]['name']; data: PayloadOf<StreamDefs[K]> };
}[keyof StreamDefs];

export interface StreamSubscriber {
  send(e: StreamEvent): void;
  /** The node is stopping: finish the response. */
  end(): void;
}

/**
 * Where assistant replies are streamed while they are written, to whoever holds
 * `GET /api/conversations/:id/stream` open. The writer (a job) and the reader
 * (an HTTP response) may be on different nodes, hence an interface with a
 * memory implementation and a Redis one.
 */
export interface ReplyStreams {
  subscribe(accountId: string, conversationId: string, subscriber: StreamSubscriber): () => void;
  publish(accountId: string, conversationId: string, e: StreamEvent): void;
  close(): Promise<void>;
}

/** One node: writers and readers meet in a map. */
export class MemoryReplyStreams implements ReplyStreams {
  private readonly subscribers = new Map<string, Set<StreamSubscriber>>();

  subscribe(accountId: string, conversationId: string, subscriber: StreamSubscriber): () => void {
    const key = keyOf(accountId, conversationId);
    let set = this.subscribers.get(key);
    if (!set) {
      set = new Set();
      this.subscribers.set(key, set);
    }
    set.add(subscriber);
    return () => {
      set.delete(subscriber);
      if (set.size === 0 && this.subscribers.get(key) === set) this.subscribers.delete(key);
    };
  }

  publish(accountId: string, conversationId: string, e: StreamEvent): void {
    for (const s of this.subscribers.get(keyOf(accountId, conversationId)) ?? []) s.send(e);
  }

  /** How many readers a conversation has on this node (tests, metrics). */
  count(accountId: string, conversationId: string): number {
    return this.subscribers.get(keyOf(accountId, conversationId))?.size ?? 0;
  }

  async close(): Promise<void> {
    for (const set of this.subscribers.values()) for (const s of set) s.end();
    this.subscribers.clear();
  }
}

const keyOf = (accountId: string, conversationId: string) => `${accountId}\u0000${conversationId}`;
