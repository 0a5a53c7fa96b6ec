import { type Actor, can } from '../access/policy';
import { type AppError, forbidden, notFound } from '../errors';
import type { LoggedEvent } from './domain-event';
import type { AccessFact } from './message-writer';

interface Facts {
  contactId: string | null;
}

/**
 * What this node knows about who may write to a conversation (its tenant and its contact), so a send
 * needs no read before its write. The cache only ever refuses early: the write itself checks the
 * same facts under the conversation's row lock (message-batch.ts, `requiredContactId`), so a stale
 * entry can never let a revoked right through, and a miss costs nothing but a place in the batch.
 * The actor is never cached: a refreshed token's claims apply to the next send.
 *
 * Entries are learnt from flushes and forgotten when a fact about the conversation is published here
 * (status, assignment, a new contact), and the whole cache is dropped past `capacity` entries.
 */
export class ConversationAccess {
  private readonly known = new Map<string, Facts>();
  private readonly gone = new Set<string>();

  constructor(private readonly capacity = 100_000) {}

  /** The refusal a send would get, when the cached facts already tell; null to let the write decide. */
  refusal(actor: Actor, conversationId: string): AppError | null {
    const key = keyOf(actor.accountId, conversationId);
    if (this.gone.has(key)) return notFound('Conversation');
    const facts = this.known.get(key);
    if (!facts) return null;
    const conversation = { accountId: actor.accountId, contactId: facts.contactId, status: 'OPEN' as const };
    if (!can.readConversation(actor, conversation)) return forbidden('This conversation is not yours');
    if (!can.writeToConversation(actor, conversation)) return forbidden('Viewers cannot send messages');
    return null;
  }

  learn(facts: readonly AccessFact[]): void {
    if (this.known.size + this.gone.size + facts.length > this.capacity) this.clear();
    for (const f of facts) {
      const key = keyOf(f.accountId, f.conversationId);
      if ('gone' in f) {
        this.known.delete(key);
        this.gone.add(key);
      } else {
        this.gone.delete(key);
        this.known.set(key, { contactId: f.contactId });
      }
    }
  }

  /** A published fact about a conversation may change who can write to it. */
  observe(e: LoggedEvent): void {
    if (!e.type.startsWith('conversation.')) return;
    const conversationId = 'conversation' in e ? e.conversation.id : null;
    if (!conversationId) return;
    const key = keyOf(e.accountId, conversationId);
    this.known.delete(key);
    this.gone.delete(key);
  }

  clear(): void {
    this.known.clear();
    this.gone.clear();
  }

  get size(): number {
    return this.known.size + this.gone.size;
  }
}

function keyOf(accountId: string, conversationId: string): string {
  return `${accountId}\u0000${conversationId}`;
}
