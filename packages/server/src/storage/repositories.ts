import type { Queryable } from './db';
import { AccountsRepo } from './repos/accounts';
import { ConversationEventsRepo } from './repos/conversation-events';
import { ConversationsRepo } from './repos/conversations';
import { EventLogRepo } from './repos/event-log';
import { MessagesRepo } from './repos/messages';
import { NotificationsRepo } from './repos/notifications';
import { ReceiptsRepo } from './repos/receipts';
import { SlaTimersRepo } from './repos/sla-timers';
import { TicketsRepo } from './repos/tickets';
import { UsersRepo } from './repos/users';

export interface Repositories {
  accounts: AccountsRepo;
  users: UsersRepo;
  conversations: ConversationsRepo;
  messages: MessagesRepo;
  receipts: ReceiptsRepo;
  conversationEvents: ConversationEventsRepo;
  notifications: NotificationsRepo;
  tickets: TicketsRepo;
  slaTimers: SlaTimersRepo;
  events: EventLogRepo;
}

/**
 * Every repository bound to one Queryable. Cheap (no I/O), so make one per transaction:
 * `db.transaction(async (tx) => { const r = repositories(tx); ... })`.
 */
export function repositories(q: Queryable): Repositories {
  return {
    accounts: new AccountsRepo(q),
    users: new UsersRepo(q),
    conversations: new ConversationsRepo(q),
    messages: new MessagesRepo(q),
    receipts: new ReceiptsRepo(q),
    conversationEvents: new ConversationEventsRepo(q),
    notifications: new NotificationsRepo(q),
    tickets: new TicketsRepo(q),
    slaTimers: new SlaTimersRepo(q),
    events: new EventLogRepo(q),
  };
}
