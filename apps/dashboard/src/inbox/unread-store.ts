import type { Fact } from '@switchboard/client';

/**
 * Unread messages per conversation, counted from what arrives while that
 * conversation is not the one on screen. 004's portal vocabulary tells the
 * list about a message with `conversation:updated` (changes: lastMessageAt);
 * the default vocabulary (polling) with the message itself. Messages are
 * counted once by id; the portal signal has no id, so it counts by its event.
 */
export class UnreadStore {
  private readonly counts = new Map<string, number>();
  private readonly counted = new Set<string>();
  private readonly listeners = new Set<() => void>();
  private snapshot: ReadonlyMap<string, number> = new Map();
  openConversationId: string | null = null;

  constructor(private readonly selfId: string) {}

  onFact(fact: Fact): void {
    if (fact.kind === 'message') {
      const m = fact.message;
      if (m.senderId === this.selfId || this.counted.has(m.id)) return;
      this.counted.add(m.id);
      if (m.role === 'USER') this.bump(m.conversationId);
    } else if (fact.kind === 'conversation' && fact.changes?.includes('lastMessageAt')) {
      this.bump(fact.conversationId);
    }
  }

  markRead(conversationId: string): void {
    if (!this.counts.get(conversationId)) return;
    this.counts.delete(conversationId);
    this.publish();
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getSnapshot = (): ReadonlyMap<string, number> => this.snapshot;

  private bump(conversationId: string): void {
    if (conversationId === this.openConversationId) return;
    this.counts.set(conversationId, (this.counts.get(conversationId) ?? 0) + 1);
    this.publish();
  }

  private publish(): void {
    this.snapshot = new Map(this.counts);
    for (const l of [...this.listeners]) l();
  }
}
