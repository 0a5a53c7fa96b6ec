import { defaultServer as S, type Dialect, type Message, type NewMessagePayload } from '@switchboard/protocol';

import type { DomainEvent, EphemeralEvent } from '../../domain/domain-event';
import { deliver, deliverToStaffAndRoom, type Delivery, type RoomRef, type Surface } from '../delivery';

const staff: RoomRef = { kind: 'tenantStaff' };
const conv = (id: string): RoomRef => ({ kind: 'conversation', id });
/**
 * What `conversation_updated` / `conversation:updated` name for a `conversation.contact_changed`: the
 * contact id and summary when the conversation moved to another contact (an identified visitor), the
 * summary alone when its contact's name or email changed.
 */
export function contactChangesOf(e: Extract<DomainEvent, { type: 'conversation.contact_changed' }>): string[] {
  return e.previousContactId === e.conversation.contactId ? ['contact'] : ['contactId', 'contact'];
}

/** The nested `message` and the same fields flat, in one object, so clients reading either shape find theirs. */
export function newMessagePayload(message: Message): NewMessagePayload {
  return {
    conversationId: message.conversationId,
    message,
    id: message.id,
    accountId: message.accountId,
    role: message.role,
    senderId: message.senderId,
    content: message.content,
    contentType: message.contentType,
    clientMessageId: message.clientMessageId,
    status: message.status,
    createdAt: message.createdAt,
  };
}

/**
 * The default namespace's own vocabulary. Other vocabularies fall
 * back to it for facts they have no word for, so it renders for any dialect.
 */
export function renderDefault(e: DomainEvent | EphemeralEvent, dialect: Dialect = 'default'): Delivery[] {
  const s: Surface = { ns: '/', dialect };
  switch (e.type) {
    case 'message.created': {
      const { message } = e;
      if (message.role === 'USER') {
        return [
          deliver(s, S.user_message, [staff], {
            conversationId: message.conversationId,
            message: { ...message, role: 'USER', channelType: e.conversation.channelType },
          }),
          deliver(s, S.new_message, [conv(message.conversationId)], newMessagePayload(message)),
        ];
      }
      return [deliver(s, S.new_message, [staff, conv(message.conversationId)], newMessagePayload(message))];
    }
    case 'message.status':
      return [
        deliver(s, S.message_status, [conv(e.conversationId)], {
          conversationId: e.conversationId,
          messageId: e.messageId,
          status: e.status,
          userId: e.userId,
          at: e.at,
        }),
      ];
    case 'conversation.created':
      return [deliver(s, S.conversation_created, [staff], { conversation: e.conversation })];
    case 'conversation.status_changed':
      return [
        deliver(s, S.conversation_status_changed, [staff, conv(e.conversation.id)], {
          conversationId: e.conversation.id,
          status: e.conversation.status,
          updatedAt: e.conversation.updatedAt,
          previousStatus: e.previousStatus,
        }),
      ];
    case 'conversation.assigned':
    case 'conversation.unassigned': {
      const def = e.type === 'conversation.assigned' ? S.conversation_assigned : S.conversation_unassigned;
      const agentId = e.type === 'conversation.assigned' ? e.conversation.assigneeId : e.previousAssigneeId;
      return deliverToStaffAndRoom(
        s,
        def,
        e.conversation,
        (conversation) => ({
          conversationId: conversation.id,
          agentId: conversation.assigneeId,
          previousAgentId: e.previousAssigneeId,
          assignedBy: e.by,
          conversation,
        }),
        agentId ? [{ kind: 'agent', id: agentId }] : [],
      );
    }
    case 'conversation.classified':
      return [deliver(s, S.ai_classification, [staff], { conversationId: e.conversation.id, messageId: e.messageId, ...e.classification })];
    case 'handoff.triggered':
      return [
        deliver(s, S.handoff_triggered, [staff], {
          conversationId: e.conversationId,
          handoffId: e.handoffId,
          trigger: e.trigger,
          destination: e.destination,
          summary: e.summary,
          agentId: e.agentId,
        }),
      ];
    case 'ai_agent.status_changed':
      return [deliver(s, S.agent_status_changed, [staff], { agentId: e.agentId, status: e.status })];
    case 'credits.updated':
      return [deliver(s, S.credits_updated, [staff], { balance: e.balance, delta: e.delta, reason: e.reason })];
    case 'ai.processing_started':
      return [deliver(s, S.ai_processing_started, [staff], { conversationId: e.conversationId, messageId: e.messageId })];
    case 'ai.processing_completed':
      return [
        deliver(s, S.ai_processing_completed, [staff], {
          conversationId: e.conversationId,
          messageId: e.messageId,
          ok: e.ok,
          durationMs: e.durationMs,
        }),
      ];
    case 'ai.draft':
      return [
        deliver(s, S.ai_draft, [{ kind: 'agent', id: e.assigneeId }], {
          conversationId: e.conversationId,
          messageId: e.messageId,
          draft: { content: e.content },
          confidence: e.confidence,
        }),
      ];
    case 'read.moved':
      // The reader's own room only: one person's position is nobody else's business.
      return [
        deliver(s, S.read_position_changed, [{ kind: 'user', id: e.userId }], {
          conversationId: e.conversationId,
          unreadCount: e.unreadCount,
          lastReadMessageId: e.lastReadMessageId,
        }),
      ];
    case 'note.created':
      // Tenant staff only, never the conversation room: the customer is in that room.
      return [deliver(s, S.note_created, [staff], { conversationId: e.note.conversationId, note: e.note })];
    case 'conversation.labels_changed':
      // Staff only: labels are the team's words about a customer, never shown to the customer.
      return [
        deliver(s, S.conversation_labels_changed, [staff], {
          conversationId: e.conversationId,
          labels: e.labels,
          added: e.added,
          removed: e.removed,
          by: e.by,
        }),
      ];
    case 'conversation.contact_changed':
      // Staff only, like labels: the conversation room holds the customer, who gets no staff fields.
      return [
        deliver(s, S.conversation_updated, [staff], {
          conversationId: e.conversation.id,
          conversation: e.conversation,
          changes: contactChangesOf(e),
        }),
      ];
    case 'labels.updated':
      return [deliver(s, S.labels_updated, [staff], { labels: e.labels })];
    case 'user.updated':
      return [deliver(s, S['user:updated'], [{ kind: 'user', id: e.user.id }], e.user)];
    case 'typing': {
      const def = e.typing ? S.typing_start : S.typing_stop;
      return [
        deliver(
          s,
          def,
          [conv(e.conversationId)],
          { conversationId: e.conversationId, userId: e.userId, name: e.name, role: e.role },
          {
            except: [{ kind: 'user', id: e.userId }],
          },
        ),
      ];
    }
    case 'presence.changed': {
      if (e.role === 'customer') return [];
      const def = e.status === 'offline' ? S.agent_offline : S.agent_online;
      return [
        deliver(s, def, [staff], { agentId: e.userId, userId: e.userId, accountId: e.accountId, status: e.status, lastSeen: e.lastSeen }),
      ];
    }
    case 'system.maintenance':
      return [deliver(s, S['system:maintenance'], [{ kind: 'all' }], { message: e.message, startsAt: e.startsAt })];
    case 'custom':
      return [{ surface: s, to: [e.room.kind === 'staff' ? staff : e.room], event: e.event, payload: e.payload }];
    default:
      return [];
  }
}
