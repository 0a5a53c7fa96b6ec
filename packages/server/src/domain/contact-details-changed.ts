import type { User } from '@switchboard/protocol';

import type { Queryable } from '../storage/db';
import { ConversationsRepo } from '../storage/repos/conversations';
import { contactSummary } from '../storage/repos/inbox';
import type { DomainEvent } from './domain-event';

/**
 * How many of a contact's conversations (most recently updated first) hear that its name or email
 * changed: the dashboard's inbox reads 200, so every row an agent can have listed or open from the list
 * is covered, and a contact with thousands of old conversations costs at most this many log rows.
 */
export const CONTACT_FANOUT_LIMIT = 200;

/**
 * The `conversation.contact_changed` facts for a contact whose name or email just changed, one per
 * conversation it is the contact of, each carrying the conversation with its new `contact` summary, so
 * staff see the new name in inbox rows and the contact panel without a read (issue 17 follow-up).
 * None when neither changed (a team or role change is not news to the inbox). Run it in the transaction
 * that changed the users row, and log what it answers there, like every other conversation fact.
 */
export async function contactDetailsChanged(
  tx: Queryable,
  accountId: string,
  before: Pick<User, 'name' | 'email'> | null,
  user: User,
): Promise<DomainEvent[]> {
  if (before && before.name === user.name && before.email === user.email) return [];
  const conversations = await new ConversationsRepo(tx).list(accountId, { contactId: user.id, limit: CONTACT_FANOUT_LIMIT });
  const contact = contactSummary(user.id, user.name, user.email);
  return conversations.map((conversation) => ({
    type: 'conversation.contact_changed',
    accountId,
    conversation: { ...conversation, contact },
    previousContactId: user.id,
  }));
}
