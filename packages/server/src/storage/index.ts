export { openDb, type Db, type DbKind, type OpenDbOptions, type Queryable } from './db';
export { migrate } from './migrate';
export { migrations, type Migration } from './migrations/index';
export { StorageError, isUniqueViolation, type StorageErrorKind } from './storage-error';
export { newId } from './ids';
export type { TimeInput } from './row-mapping';
export { repositories, type Repositories } from './repositories';
export { AccountsRepo, type Account } from './repos/accounts';
export { UsersRepo, type UpsertUserResult, type UserClaims } from './repos/users';
export { ConversationsRepo, type CreateConversationInput, type ListConversationsOptions } from './repos/conversations';
export { MessagesRepo, type InsertMessageInput, type InsertMessageResult } from './repos/messages';
export { ReceiptsRepo, type Receipt, type ReceiptStatus } from './repos/receipts';
export {
  ConversationEventsRepo,
  type AppendConversationEventInput,
  type ConversationEvent,
} from './repos/conversation-events';
export { NotificationsRepo, type CreateNotificationInput, type NotificationKind } from './repos/notifications';
export { TicketsRepo, type CreateTicketInput, type ListTicketsOptions, type TicketPatch, type TicketUpdate } from './repos/tickets';
export { SlaTimersRepo, DEFAULT_CLAIM_LEASE_MS, type SlaTimer, type SlaTimerKind } from './repos/sla-timers';
export {
  EventLogRepo,
  type AppendEventInput,
  type EventAudience,
  type EventViewer,
  type StoredEvent,
} from './repos/event-log';
export { AiAgentsRepo, type AiAgentPatch } from './repos/ai-agents';
export { AiJobsRepo, type JobStatus, type StoredJob } from './repos/ai-jobs';
export { AiSettingsRepo, type StoredAiSettings } from './repos/ai-settings';
export { ClassificationsRepo } from './repos/classifications';
export { CreditLedgerRepo, type ApplyCreditResult } from './repos/credit-ledger';
export { HandoffsRepo } from './repos/handoffs';
export { KnowledgeRepo, type KnowledgeInput } from './repos/knowledge';
