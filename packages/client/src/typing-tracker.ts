import type { Role } from '@switchboard/protocol';

import type { Fact } from './facts';
import { DefaultOut } from './protocol-constants';
import type { SwitchboardClient } from './switchboard-client';

export interface Typist {
  userId: string;
  name: string | null;
  role: Role;
}

export interface TypingOptions {
  /** A typist disappears after this long without news, in case typing_stop was lost (RT-08: 3 s). */
  staleAfterMs?: number;
  /** While the user keeps typing, typing_start is repeated this often, below everyone's stale timeout. */
  repeatEveryMs?: number;
  /** typing_stop goes after this long without a keystroke. */
  idleAfterMs?: number;
}

/**
 * Who is typing in one conversation, and our own typing signals. Incoming state
 * expires by itself (RT-08); outgoing `typing_start` is throttled and followed
 * by `typing_stop` when the user pauses or sends.
 */
export class TypingTracker {
  private readonly typists = new Map<string, Typist & { timer: ReturnType<typeof setTimeout> }>();
  private readonly listeners = new Set<() => void>();
  private snapshot: readonly Typist[] = [];
  private off: (() => void) | null = null;
  private lastStartAt = 0;
  private idleTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly staleAfterMs: number;
  private readonly repeatEveryMs: number;
  private readonly idleAfterMs: number;

  constructor(
    private readonly client: SwitchboardClient,
    readonly conversationId: string,
    opts: TypingOptions = {},
  ) {
    this.staleAfterMs = opts.staleAfterMs ?? 3_000;
    this.repeatEveryMs = opts.repeatEveryMs ?? 2_000;
    this.idleAfterMs = opts.idleAfterMs ?? 2_500;
  }

  start(): void {
    if (this.off) return;
    const offFacts = this.client.onFact((fact) => this.onFact(fact));
    // Typing is live state: once disconnected nobody can say it stopped, so show nobody typing.
    const offState = this.client.onState((s) => {
      if (s.status !== 'connected' && this.typists.size) this.clear();
    });
    this.off = () => (offFacts(), offState());
  }

  stop(): void {
    this.off?.();
    this.off = null;
    this.stopTyping();
    this.clear();
  }

  private clear(): void {
    for (const t of this.typists.values()) clearTimeout(t.timer);
    this.typists.clear();
    this.publish();
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  getSnapshot(): readonly Typist[] {
    return this.snapshot;
  }

  /** Call on every keystroke in the composer. */
  keystroke(): void {
    const now = Date.now();
    if (now - this.lastStartAt >= this.repeatEveryMs) {
      this.lastStartAt = now;
      this.client.signal(DefaultOut.typing_start, { conversationId: this.conversationId });
    }
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => this.stopTyping(), this.idleAfterMs);
  }

  /** Call when the message is sent or the composer is cleared. */
  stopTyping(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
    if (this.lastStartAt === 0) return;
    this.lastStartAt = 0;
    this.client.signal(DefaultOut.typing_stop, { conversationId: this.conversationId });
  }

  private onFact(fact: Fact): void {
    if (fact.kind === 'message' && fact.message.conversationId === this.conversationId && fact.message.senderId) {
      // A message from a typist means they stopped, even if typing_stop is still on its way.
      if (this.remove(fact.message.senderId)) this.publish();
      return;
    }
    if (fact.kind !== 'typing' || fact.conversationId !== this.conversationId) return;
    if (fact.userId === this.client.identity?.userId) return;
    if (!fact.typing) {
      if (this.remove(fact.userId)) this.publish();
      return;
    }
    this.remove(fact.userId);
    const timer = setTimeout(() => {
      if (this.remove(fact.userId)) this.publish();
    }, this.staleAfterMs);
    this.typists.set(fact.userId, { userId: fact.userId, name: fact.name, role: fact.role, timer });
    this.publish();
  }

  private remove(userId: string): boolean {
    const t = this.typists.get(userId);
    if (!t) return false;
    clearTimeout(t.timer);
    this.typists.delete(userId);
    return true;
  }

  private publish(): void {
    this.snapshot = [...this.typists.values()].map(({ userId, name, role }) => ({ userId, name, role }));
    for (const l of [...this.listeners]) l();
  }
}
