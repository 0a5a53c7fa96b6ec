import { Role } from '@switchboard/protocol';
import { z } from 'zod';

import type { Publisher } from './publisher';
import { type TypingOptions, TypingTimerService } from './typing-timer-service';

export type { TypingOptions } from './typing-timer-service';

export interface Typist {
  accountId: string;
  userId: string;
  name: string | null;
  role: Role;
}

const Entry = z.object({
  accountId: z.string(),
  userId: z.string(),
  name: z.string().nullable(),
  role: Role,
  conversationId: z.string(),
});
type Entry = z.infer<typeof Entry>;

const ownerOf = (accountId: string, userId: string) => `${accountId}\u0000${userId}`;

/** Who is typing in which conversation (000/002's typing_start / typing_stop); see TypingTimerService. */
export class TypingService {
  private readonly timers: TypingTimerService<Entry>;

  constructor(publisher: Publisher, timeoutMs: number, opts: TypingOptions = {}) {
    this.timers = new TypingTimerService<Entry>(
      {
        entry: Entry,
        key: (e) => `${e.accountId}\u0000${e.conversationId}\u0000${e.userId}`,
        owner: (e) => ownerOf(e.accountId, e.userId),
        announce: ({ accountId, conversationId, userId, name, role }, typing) =>
          publisher.signal({ type: 'typing', accountId, conversationId, userId, name, role, typing }),
      },
      timeoutMs,
      opts,
    );
  }

  start(who: Typist, conversationId: string): Promise<void> {
    return this.timers.start(entryOf(who, conversationId));
  }

  stop(who: Typist, conversationId: string): Promise<void> {
    return this.timers.stop(entryOf(who, conversationId));
  }

  /** Everything a user was typing stops when its socket goes. */
  stopAll(who: Typist): Promise<void> {
    return this.timers.stopAll(ownerOf(who.accountId, who.userId));
  }

  sweep(): Promise<void> {
    return this.timers.sweep();
  }

  close(): void {
    this.timers.close();
  }
}

function entryOf(who: Typist, conversationId: string): Entry {
  return { accountId: who.accountId, userId: who.userId, name: who.name, role: who.role, conversationId };
}
