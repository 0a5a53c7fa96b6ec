import { type Ticket, UserSummary } from '@switchboard/protocol';
import { z } from 'zod';

import { type Actor, can } from '../access/policy';
import { forbidden } from '../errors';
import type { Publisher } from './publisher';
import { type TypingOptions, TypingTimerService } from './typing-timer-service';

const Entry = z.object({ accountId: z.string(), ticketId: z.string(), user: UserSummary });
type Entry = z.infer<typeof Entry>;

const ownerOf = (accountId: string, userId: string) => `${accountId}\u0000${userId}`;

/** Who is typing on which ticket (`/tickets`' `ticket:typing` / `ticket:stopTyping`); see TypingTimerService. */
export class TicketTypingService {
  private readonly timers: TypingTimerService<Entry>;

  constructor(publisher: Publisher, timeoutMs: number, opts: TypingOptions = {}) {
    this.timers = new TypingTimerService<Entry>(
      {
        entry: Entry,
        key: (e) => `${e.accountId}\u0000${e.ticketId}\u0000${e.user.id}`,
        owner: (e) => ownerOf(e.accountId, e.user.id),
        announce: ({ accountId, ticketId, user }, typing) =>
          publisher.signal({ type: 'ticket.typing_changed', accountId, ticketId, user, typing }),
      },
      timeoutMs,
      opts,
    );
  }

  /** Starts `user` typing on a ticket it has read; typing is writing, so viewers may not. */
  async start(actor: Actor, user: UserSummary, ticket: Pick<Ticket, 'id' | 'accountId'>): Promise<void> {
    if (!can.typeOnTicket(actor, ticket)) throw forbidden('Viewers do not type on tickets');
    await this.timers.start({ accountId: ticket.accountId, ticketId: ticket.id, user });
  }

  stop(accountId: string, user: UserSummary, ticketId: string): Promise<void> {
    return this.timers.stop({ accountId, ticketId, user });
  }

  /** Everything a user was typing on tickets stops when its socket goes. */
  stopAll(accountId: string, user: UserSummary): Promise<void> {
    return this.timers.stopAll(ownerOf(accountId, user.id));
  }

  sweep(): Promise<void> {
    return this.timers.sweep();
  }

  close(): void {
    this.timers.close();
  }
}
