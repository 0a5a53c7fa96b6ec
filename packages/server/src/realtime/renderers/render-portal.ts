import { portalServer as P } from '@switchboard/protocol';

import type { DomainEvent, EphemeralEvent } from '../../domain/domain-event';
import { deliver, deliverToStaffAndRoom, type Delivery, type RoomRef, type Surface } from '../delivery';
import { contactChangesOf, renderDefault } from './render-default';

const s: Surface = { ns: '/', dialect: 'portal' };
const staff: RoomRef = { kind: 'tenantStaff' };
const conv = (id: string): RoomRef => ({ kind: 'conversation', id });

/**
 * The portal vocabulary (`auth.dialect = "portal"`). Facts it has no word for (handoff, credits,
 * AI, presence) are said in the default vocabulary, so a portal socket still
 * hears them, once.
 */
export function renderPortal(e: DomainEvent | EphemeralEvent): Delivery[] {
  switch (e.type) {
    case 'message.created': {
      const { message, conversation } = e;
      return [
        deliver(s, P['message:new'], [conv(message.conversationId)], { message, ...message }),
        // The list view's unread badge and ordering follow the last message (RT-05).
        deliver(s, P['conversation:updated'], [staff], { conversation, changes: ['lastMessageAt'], ...conversation }),
      ];
    }
    case 'message.status':
      return [
        deliver(s, P['message:delivered'], [conv(e.conversationId)], {
          conversationId: e.conversationId,
          messageId: e.messageId,
          status: e.status,
          userId: e.userId,
          at: e.at,
        }),
      ];
    case 'conversation.created':
      return [deliver(s, P['conversation:new'], [staff], { conversation: e.conversation, ...e.conversation })];
    case 'conversation.status_changed':
      return deliverToStaffAndRoom(s, P['conversation:updated'], e.conversation, (conversation) => ({
        conversation,
        changes: ['status'],
        ...conversation,
      }));
    case 'conversation.classified':
      return [
        deliver(s, P['conversation:updated'], [staff], { conversation: e.conversation, changes: ['classification'], ...e.conversation }),
      ];
    case 'conversation.contact_changed':
      // Staff only: the conversation room holds the customer.
      return [
        deliver(s, P['conversation:updated'], [staff], { conversation: e.conversation, changes: contactChangesOf(e), ...e.conversation }),
      ];
    case 'conversation.assigned':
    case 'conversation.unassigned': {
      const agentId = e.conversation.assigneeId ?? e.previousAssigneeId;
      return deliverToStaffAndRoom(
        s,
        P['conversation:assigned'],
        e.conversation,
        (conversation) => ({
          conversationId: conversation.id,
          assigneeId: conversation.assigneeId,
          previousAssigneeId: e.previousAssigneeId,
          conversation,
        }),
        agentId ? [{ kind: 'agent', id: agentId }] : [],
      );
    }
    case 'typing': {
      const def = e.typing ? P['typing:start'] : P['typing:stop'];
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
    default:
      return renderDefault(e, 'portal');
  }
}
