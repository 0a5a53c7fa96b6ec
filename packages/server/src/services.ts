import type { Ai } from './ai/create-ai';
import type { TokenVerifier } from './auth/token-verifier';
import type { Clock } from './clock';
import type { RateLimiter } from './cluster/rate-limiter';
import type { ReplayBudget } from './cluster/replay-budget';
import type { TenantGate } from './cluster/tenant-gate';
import type { Config } from './config';
import type { AttachmentService } from './domain/attachment-service';
import type { BroadcastService } from './domain/broadcast-service';
import type { CannedResponseService } from './domain/canned-response-service';
import type { ConversationService } from './domain/conversation-service';
import type { DashboardMetrics } from './domain/dashboard-metrics';
import type { InboxService } from './domain/inbox-service';
import type { LabelService } from './domain/label-service';
import type { MessageService } from './domain/message-service';
import type { NoteService } from './domain/note-service';
import type { NotificationService } from './domain/notification-service';
import type { PresenceService } from './domain/presence-service';
import type { PresenceWatch } from './domain/presence-watch';
import type { ReplayService } from './domain/replay-service';
import type { SlaScheduler } from './domain/sla-scheduler';
import type { TicketService } from './domain/ticket-service';
import type { TicketTypingService } from './domain/ticket-typing-service';
import type { TypingService } from './domain/typing-service';
import type { UserDirectory } from './domain/user-directory';
import type { UserSummaries } from './domain/user-summaries';
import type { WidgetService } from './domain/widget-service';
import type { Logger } from './log';
import type { Metrics } from './ops/metrics';
import type { Broadcaster } from './realtime/broadcaster';
import type { Db } from './storage/db';
import type { AppSocket } from './transport/socket-types';
import type { TokenLifetimes } from './transport/token-lifetimes';

/** Everything the transport layer may call, built once by buildServer. */
export interface Services {
  config: Config;
  log: Logger;
  db: Db;
  metrics: Metrics;
  verify: TokenVerifier;
  /** Refresh requests and cuts at `exp` for connected sockets (transport/token-lifetimes.ts). */
  tokenLifetimes: TokenLifetimes<AppSocket>;
  /** The time token, typing and SLA deadlines follow (clock.ts); the real one but in tests. */
  clock: Clock;
  rateLimiter: RateLimiter;
  /** Work in progress per tenant on this node (client events, HTTP writes). */
  tenantGate: TenantGate;
  broadcaster: Broadcaster;
  users: UserDirectory;
  conversations: ConversationService;
  messages: MessageService;
  presence: PresenceService;
  typing: TypingService;
  replay: ReplayService;
  /** What replay may cost a socket and its user, in events (cluster/replay-budget.ts). */
  replayBudget: ReplayBudget;
  broadcast: BroadcastService;
  // The named namespaces (handlers/named-namespaces.ts).
  tickets: TicketService;
  sla: SlaScheduler;
  ticketTyping: TicketTypingService;
  notifications: NotificationService;
  presenceWatch: PresenceWatch;
  dashboard: DashboardMetrics;
  summaries: UserSummaries;
  // AI triage, replies, handoff, credits and jobs (issue 6).
  ai: Ai;
  // Widget keys, allowed origins and visitor sessions (issue 17).
  widget: WidgetService;
  // Contacts, previews, unread counts and search for the agents' inbox (issue 16).
  inbox: InboxService;
  notes: NoteService;
  labels: LabelService;
  canned: CannedResponseService;
  attachments: AttachmentService;
}
