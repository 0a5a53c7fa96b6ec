import type { Role } from '@switchboard/protocol';
import type { Publisher } from './publisher';

export interface Typist {
  accountId: string;
  userId: string;
  name: string | null;
  role: Role;
}

/**
 * Typing state per conversation and user. A start with no new start within the
 * timeout stops by itself (002: 5 s), so a closed tab never leaves someone
 * "typing" forever.
 */
export class TypingService {
  private readonly timers = new Map<string, NodeJS.Timeout>();

  constructor(
    private readonly publisher: Publisher,
    private readonly timeoutMs: number,
  ) {}

  start(who: Typist, conversationId: string): void {
    const key = `${who.accountId}\u0000${conversationId}\u0000${who.userId}`;
    const running = this.timers.get(key);
    if (running) clearTimeout(running);
    else this.emit(who, conversationId, true);
    const timer = setTimeout(() => this.stop(who, conversationId), this.timeoutMs);
    timer.unref();
    this.timers.set(key, timer);
  }

  stop(who: Typist, conversationId: string): void {
    const key = `${who.accountId}\u0000${conversationId}\u0000${who.userId}`;
    const running = this.timers.get(key);
    if (!running) return;
    clearTimeout(running);
    this.timers.delete(key);
    this.emit(who, conversationId, false);
  }

  /** Everything a user was typing stops when its socket goes. */
  stopAll(who: Typist): void {
    const prefix = `${who.accountId}\u0000`;
    const suffix = `\u0000${who.userId}`;
    for (const key of [...this.timers.keys()]) {
      if (key.startsWith(prefix) && key.endsWith(suffix)) this.stop(who, key.slice(prefix.length, key.length - suffix.length));
    }
  }

  close(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
  }

  private emit(who: Typist, conversationId: string, typing: boolean): void {
    this.publisher.signal({ type: 'typing', accountId: who.accountId, conversationId, userId: who.userId, name: who.name, role: who.role, typing });
  }
}
