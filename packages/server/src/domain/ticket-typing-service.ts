import { z } from 'zod';
import { UserSummary } from '@switchboard/protocol';
import { MemoryTypingTimers, type TypingTimers } from '../cluster/typing-timers';
import type { Publisher } from './publisher';
import type { TypingOptions } from './typing-service';

const Entry = z.object({ accountId: z.string(), ticketId: z.string(), user: UserSummary });

/**
 * Who is typing on which ticket (001's `ticket:typing` / `ticket:stopTyping`).
 * Like conversation typing, a start with no new start within the timeout stops
 * by itself, on whichever node takes the expired timer, so a closed tab (or a
 * dead node) never leaves someone typing forever. Never rejects.
 */
export class TicketTypingService {
  private readonly timers: TypingTimers;
  private readonly sweeper: NodeJS.Timeout;
  private sweeping = false;

  constructor(
    private readonly publisher: Publisher,
    private readonly timeoutMs: number,
    private readonly opts: TypingOptions = {},
  ) {
    this.timers = opts.timers ?? new MemoryTypingTimers();
    this.sweeper = setInterval(() => void this.sweep(), Math.max(20, Math.min(250, Math.floor(timeoutMs / 4))));
    this.sweeper.unref();
  }

  async start(accountId: string, user: UserSummary, ticketId: string): Promise<void> {
    const data = JSON.stringify({ accountId, ticketId, user });
    const isNew = await this.timers.arm(keyOf(accountId, ticketId, user.id), ownerOf(accountId, user.id), data, this.timeoutMs).catch((err) => this.failed(err, true));
    if (isNew) this.emit(accountId, ticketId, user, true);
  }

  async stop(accountId: string, user: UserSummary, ticketId: string): Promise<void> {
    const was = await this.timers.disarm(keyOf(accountId, ticketId, user.id), ownerOf(accountId, user.id)).catch((err) => this.failed(err, null));
    if (was !== null) this.emit(accountId, ticketId, user, false);
  }

  /** Everything a user was typing on tickets stops when its socket goes. */
  async stopAll(accountId: string, user: UserSummary): Promise<void> {
    const entries = await this.timers.disarmOwner(ownerOf(accountId, user.id)).catch((err) => this.failed(err, [] as string[]));
    for (const raw of entries) {
      const e = parse(raw);
      if (e) this.emit(accountId, e.ticketId, e.user, false);
    }
  }

  close(): void {
    clearInterval(this.sweeper);
  }

  async sweep(): Promise<void> {
    if (this.sweeping) return;
    this.sweeping = true;
    try {
      for (const raw of await this.timers.takeExpired()) {
        const e = parse(raw);
        if (e) this.emit(e.accountId, e.ticketId, e.user, false);
      }
    } catch (err) {
      this.opts.onError?.(err);
    } finally {
      this.sweeping = false;
    }
  }

  private failed<T>(err: unknown, fallback: T): T {
    this.opts.onError?.(err);
    return fallback;
  }

  private emit(accountId: string, ticketId: string, user: UserSummary, typing: boolean): void {
    this.publisher.signal({ type: 'ticket.typing_changed', accountId, ticketId, user, typing });
  }
}

const keyOf = (accountId: string, ticketId: string, userId: string) => `${accountId}\u0000${ticketId}\u0000${userId}`;
const ownerOf = (accountId: string, userId: string) => `${accountId}\u0000${userId}`;

function parse(raw: string): z.infer<typeof Entry> | null {
  try {
    const parsed = Entry.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
