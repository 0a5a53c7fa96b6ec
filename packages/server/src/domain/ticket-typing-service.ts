import type { UserSummary } from '@switchboard/protocol';
import type { Publisher } from './publisher';

/**
 * Who is typing on which ticket (001's `ticket:typing` / `ticket:stopTyping`).
 * Like conversation typing, a start with no new start within the timeout stops
 * by itself, so a closed tab never leaves someone typing forever.
 */
export class TicketTypingService {
  private readonly timers = new Map<string, { timer: NodeJS.Timeout; accountId: string; ticketId: string; user: UserSummary }>();

  constructor(
    private readonly publisher: Publisher,
    private readonly timeoutMs: number,
  ) {}

  start(accountId: string, user: UserSummary, ticketId: string): void {
    const key = keyOf(accountId, ticketId, user.id);
    const running = this.timers.get(key);
    if (running) clearTimeout(running.timer);
    else this.emit(accountId, ticketId, user, true);
    const timer = setTimeout(() => this.stop(accountId, user, ticketId), this.timeoutMs);
    timer.unref();
    this.timers.set(key, { timer, accountId, ticketId, user });
  }

  stop(accountId: string, user: UserSummary, ticketId: string): void {
    const key = keyOf(accountId, ticketId, user.id);
    const running = this.timers.get(key);
    if (!running) return;
    clearTimeout(running.timer);
    this.timers.delete(key);
    this.emit(accountId, ticketId, user, false);
  }

  /** Everything a user was typing on tickets stops when its socket goes. */
  stopAll(accountId: string, user: UserSummary): void {
    for (const entry of [...this.timers.values()]) {
      if (entry.accountId === accountId && entry.user.id === user.id) this.stop(accountId, entry.user, entry.ticketId);
    }
  }

  close(): void {
    for (const { timer } of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }

  private emit(accountId: string, ticketId: string, user: UserSummary, typing: boolean): void {
    this.publisher.signal({ type: 'ticket.typing_changed', accountId, ticketId, user, typing });
  }
}

const keyOf = (accountId: string, ticketId: string, userId: string) => `${accountId}\u0000${ticketId}\u0000${userId}`;
