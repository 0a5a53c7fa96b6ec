import type {
  AgentMetrics,
  AiAgentStatus,
  Classification,
  Conversation,
  ConversationStatus,
  DeliveryStatus,
  Label,
  LabelRef,
  Message,
  Note,
  Notification,
  PresenceStatus,
  QueueMetrics,
  Role,
  SlaMetrics,
  SlaTarget,
  Ticket,
  TicketMetrics,
  TicketStatus,
  User,
  UserSummary,
} from '@switchboard/protocol';

/**
 * The facts Switchboard knows, independent of any vocabulary. Services raise
 * them; the broadcaster decides who hears each one and in which words.
 * `audience` is who may see the fact at all, and also how it is filtered when the
 * event log is replayed to a reconnecting client.
 */
export type DomainEvent =
  | {
      type: 'message.created';
      accountId: string;
      conversation: Conversation;
      message: Message;
      /** Whether a ticket wrapped the conversation at commit; absent in events logged before it was recorded. */
      ticketed?: boolean;
    }
  | {
      type: 'message.status';
      accountId: string;
      conversationId: string;
      messageId: string;
      senderId: string | null;
      status: DeliveryStatus;
      userId: string | null;
      at: string;
    }
  | { type: 'conversation.created'; accountId: string; conversation: Conversation }
  | {
      type: 'conversation.status_changed';
      accountId: string;
      conversation: Conversation;
      previousStatus: ConversationStatus;
      by: string | null;
    }
  | {
      type: 'conversation.assigned';
      accountId: string;
      conversation: Conversation;
      previousAssigneeId: string | null;
      by: string | null;
    }
  | { type: 'conversation.unassigned'; accountId: string; conversation: Conversation; previousAssigneeId: string | null; by: string | null }
  | { type: 'conversation.classified'; accountId: string; conversation: Conversation; messageId: string; classification: Classification }
  | {
      type: 'handoff.triggered';
      accountId: string;
      conversationId: string;
      handoffId: string;
      trigger: string;
      destination: string | Record<string, unknown>;
      summary: string;
      agentId: string | null;
    }
  | { type: 'ai_agent.status_changed'; accountId: string; agentId: string; status: AiAgentStatus }
  | { type: 'credits.updated'; accountId: string; balance: number; delta: number; reason: string }
  | { type: 'ai.processing_started'; accountId: string; conversationId: string; messageId: string }
  | { type: 'ai.processing_completed'; accountId: string; conversationId: string; messageId: string; ok: boolean; durationMs: number }
  | {
      type: 'ai.draft';
      accountId: string;
      conversationId: string;
      messageId?: string;
      assigneeId: string;
      content: string;
      confidence: number;
    }
  | { type: 'user.updated'; accountId: string; user: User }
  /** A private note: staff only, everywhere (issue 16). */
  | { type: 'note.created'; accountId: string; note: Note }
  /** A conversation's labels changed (issue 16): staff only, like notes. `labels` is the set after the change. */
  | {
      type: 'conversation.labels_changed';
      accountId: string;
      conversationId: string;
      labels: LabelRef[];
      added: string[];
      removed: string[];
      by: string | null;
    }
  /**
   * A conversation's contact changed: it moved to another contact (a widget visitor was identified as a known
   * customer, issue 17), or its contact's name or email changed (then `previousContactId` is the contact's own
   * id). `conversation` carries its new `contact`. Staff only: who a visitor turned out to be, and what a
   * customer is called, is the team's view; the customer has their own `user:updated` and session answer.
   */
  | { type: 'conversation.contact_changed'; accountId: string; conversation: Conversation; previousContactId: string | null }
  /** The tenant's label set changed; staff only. */
  | { type: 'labels.updated'; accountId: string; labels: Label[] }
  | { type: 'ticket.created'; accountId: string; ticket: Ticket }
  | { type: 'ticket.updated'; accountId: string; ticket: Ticket; changes: string[]; by: string | null }
  | { type: 'notification.created'; accountId: string; notification: Notification; unread: number }
  | { type: 'notification.read'; accountId: string; userId: string; ids: string[]; unread: number }
  // Tickets: who was assigned and who changed a status travel as summaries, so renderers need no lookups.
  | {
      type: 'ticket.assigned';
      accountId: string;
      ticket: Ticket;
      agent: UserSummary | null;
      previousAssigneeId: string | null;
      by: string | null;
    }
  | { type: 'ticket.status_changed'; accountId: string; ticket: Ticket; previousStatus: TicketStatus | null; by: UserSummary | null }
  /** A persisted SLA timer fired: which clock, and how long it has left (0 for a breach). */
  | {
      type: 'ticket.sla_alert';
      accountId: string;
      ticket: Ticket;
      kind: 'warning' | 'breach';
      target: SlaTarget;
      minutesLeft: number;
      dueAt: string;
    }
  /** Raised by a backend through the broadcast service or POST /internal/emit: an event name and payload given as is. */
  | { type: 'custom'; accountId: string; room: CustomRoom; event: string; payload: unknown };

export type CustomRoom =
  | { kind: 'tenant' }
  | { kind: 'staff' }
  | { kind: 'conversation'; id: string }
  | { kind: 'user'; id: string }
  | { kind: 'agent'; id: string }
  | { kind: 'team'; id: string }
  | { kind: 'ticket'; id: string };

/** Facts that are state, not history: broadcast but never logged or replayed. */
export type EphemeralEvent =
  | { type: 'typing'; accountId: string; conversationId: string; userId: string; name: string | null; role: Role; typing: boolean }
  | {
      type: 'presence.changed';
      accountId: string;
      userId: string;
      role: Role;
      name: string | null;
      status: PresenceStatus;
      lastSeen: string | null;
    }
  | { type: 'system.maintenance'; message: string; startsAt: string }
  /** A message of a conversation a ticket wraps, for the ticket's followers; the message itself is logged as message.created. */
  | { type: 'ticket.message'; accountId: string; ticketId: string; message: Message }
  | { type: 'ticket.typing_changed'; accountId: string; ticketId: string; user: UserSummary; typing: boolean }
  /** A reader's position in a conversation moved: their own devices update the unread badge. */
  | { type: 'read.moved'; accountId: string; userId: string; conversationId: string; unreadCount: number; lastReadMessageId: string | null }
  /** Who has a conversation open on `/chat` right now. */
  | { type: 'chat.online'; accountId: string; conversationId: string; users: UserSummary[] }
  /** Dashboard metrics of one tenant that changed since they were last sent. */
  | { type: 'metrics.updated'; accountId: string; tickets?: TicketMetrics; queue?: QueueMetrics; agents?: AgentMetrics; sla?: SlaMetrics };

export type DomainEventType = DomainEvent['type'];

/**
 * A domain event once it is in the log. `prevSeq` is the account's previous event, so any node can emit an
 * account's events in log order (realtime/in-order-gate.ts); absent on events logged before it existed.
 */
export type LoggedEvent = DomainEvent & { seq: number; eventId: string; createdAt: string; prevSeq?: number | null };

export type Audience =
  { kind: 'tenant' } | { kind: 'staff' } | { kind: 'conversation'; conversationId: string } | { kind: 'user'; userId: string };

/** Who may see an event, for the log and for replay. */
export function audienceOf(event: DomainEvent): Audience {
  switch (event.type) {
    case 'message.created':
      return { kind: 'conversation', conversationId: event.message.conversationId };
    case 'message.status':
    case 'ai.processing_started':
    case 'ai.processing_completed':
      return { kind: 'conversation', conversationId: event.conversationId };
    case 'conversation.created':
    case 'conversation.status_changed':
    case 'conversation.assigned':
    case 'conversation.unassigned':
    case 'conversation.classified':
      return { kind: 'conversation', conversationId: event.conversation.id };
    case 'ai.draft':
      return { kind: 'user', userId: event.assigneeId };
    case 'user.updated':
      return { kind: 'user', userId: event.user.id };
    case 'notification.created':
      return { kind: 'user', userId: event.notification.userId };
    case 'notification.read':
      return { kind: 'user', userId: event.userId };
    case 'note.created':
    case 'conversation.labels_changed':
    case 'conversation.contact_changed':
    case 'labels.updated':
      return { kind: 'staff' };
    case 'custom':
      switch (event.room.kind) {
        case 'tenant':
          return { kind: 'tenant' };
        case 'conversation':
          return { kind: 'conversation', conversationId: event.room.id };
        case 'user':
        case 'agent':
          return { kind: 'user', userId: event.room.id };
        default:
          return { kind: 'staff' };
      }
    default:
      return { kind: 'staff' };
  }
}
