import type { MessageRole, UserSummary } from '@switchboard/protocol';

/**
 * Names and roles of people this node has recently seen (their token's claims,
 * or a `user.updated`), so renderers can say who sent a message or is typing
 * without a database read on the broadcast path. A miss is not an error: the
 * summary then carries the id and what the message role implies.
 */
export class UserSummaries {
  private readonly byKey = new Map<string, UserSummary>();

  constructor(private readonly max = 50_000) {}

  remember(accountId: string, user: UserSummary): void {
    if (this.byKey.size >= this.max) this.byKey.clear();
    this.byKey.set(`${accountId}\u0000${user.id}`, { id: user.id, name: user.name, email: user.email, role: user.role });
  }

  get(accountId: string, userId: string): UserSummary | undefined {
    return this.byKey.get(`${accountId}\u0000${userId}`);
  }

  /** The sender of a message as far as it is known; null for the AI and the system, which have no sender. */
  senderOf(accountId: string, senderId: string | null, role: MessageRole): UserSummary | null {
    if (!senderId) return null;
    return this.get(accountId, senderId) ?? { id: senderId, name: null, email: null, role: role === 'USER' ? 'customer' : 'agent' };
  }
}
