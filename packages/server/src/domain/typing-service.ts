import { type Conversation, type Message, Role } from '@switchboard/protocol';
import { z } from 'zod';

import { type Actor, can } from '../access/policy';
import { forbidden } from '../errors';
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
const keyOf = (accountId: string, conversationId: string, userId: string) => `${accountId}\u0000${conversationId}\u0000${userId}`;

/** Who is typing in which conversation (the default vocabulary's typing_start / typing_stop); see TypingTimerService. */
export class TypingService {
  private readonly timers: TypingTimerService<Entry>;

  constructor(publisher: Publisher, timeoutMs: number, opts: TypingOptions = {}) {
    this.timers = new TypingTimerService<Entry>(
      {
        entry: Entry,
        key: (e) => keyOf(e.accountId, e.conversationId, e.userId),
        owner: (e) => ownerOf(e.accountId, e.userId),
        announce: ({ accountId, conversationId, userId, name, role }, typing) =>
          publisher.signal({ type: 'typing', accountId, conversationId, userId, name, role, typing }),
      },
      timeoutMs,
      opts,
    );
  }

  /**
   * Starts `who` typing in a conversation it has read (the caller looked it up through
   * ConversationService, which refuses other tenants' and other customers' conversations).
   * Typing is writing: whoever may not write to the conversation (a viewer) may not type in it.
   */
  async start(who: Typist & Actor, conversation: Pick<Conversation, 'id' | 'accountId' | 'contactId' | 'status'>): Promise<void> {
    if (!can.writeToConversation(who, conversation)) throw forbidden('Viewers do not type');
    await this.timers.start(entryOf(who, conversation.id));
  }

  stop(who: Typist, conversationId: string): Promise<void> {
    return this.timers.stop(entryOf(who, conversationId));
  }

  /**
   * Sending stops typing: a person's message ends its typing in that conversation, on whichever
   * surface it was sent (socket, `/chat`, HTTP, a bridge). Wired to committed facts by
   * domain/fact-reactions.ts; the stop goes out right after the message.
   */
  sent(message: Pick<Message, 'accountId' | 'conversationId' | 'senderId' | 'role'>): Promise<void> {
    const { accountId, conversationId, senderId, role } = message;
    if (!senderId || (role !== 'USER' && role !== 'HUMAN_AGENT')) return Promise.resolve();
    return this.timers.stopKey(keyOf(accountId, conversationId, senderId), ownerOf(accountId, senderId));
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
