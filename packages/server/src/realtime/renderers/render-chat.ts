import { chatServer as C, defaultServer as D } from '@switchboard/protocol';

import type { DomainEvent, EphemeralEvent } from '../../domain/domain-event';
import type { UserSummaries } from '../../domain/user-summaries';
import { deliver, type Delivery, type Renderer, type RoomRef, type Surface } from '../delivery';

const s: Surface = { ns: '/chat' };
const conv = (id: string): RoomRef => ({ kind: 'conversation', id });

/**
 * The `/chat` namespace's vocabulary: the conversation's room hears its messages,
 * typing, read receipts, who is present, and its end. People are named from
 * `summaries` (what this node knows of them), so rendering needs no query.
 */
export function createChatRenderer(summaries: UserSummaries): Renderer {
  return (e: DomainEvent | EphemeralEvent): Delivery[] => {
    switch (e.type) {
      case 'message.created': {
        const { message } = e;
        return [
          deliver(s, C['chat:message'], [conv(message.conversationId)], {
            ...message,
            type: message.contentType,
            sender: summaries.senderOf(e.accountId, message.senderId, message.role),
          }),
        ];
      }
      case 'typing': {
        const user = { id: e.userId, name: e.name, email: summaries.get(e.accountId, e.userId)?.email ?? null, role: e.role };
        return [
          deliver(
            s,
            C['chat:typing'],
            [conv(e.conversationId)],
            { conversationId: e.conversationId, user, isTyping: e.typing },
            {
              except: [{ kind: 'user', id: e.userId }],
              // A stop goes out right behind the typist's message, while the transport is busy: never drop it.
              volatile: e.typing,
            },
          ),
        ];
      }
      case 'message.status':
        // A delivery tick is not a read receipt; chat:read is only about reading.
        if (e.status !== 'read' || !e.userId) return [];
        return [
          deliver(s, C['chat:read'], [conv(e.conversationId)], {
            conversationId: e.conversationId,
            userId: e.userId,
            messageId: e.messageId,
            readAt: e.at,
          }),
        ];
      case 'conversation.status_changed':
        if (e.conversation.status !== 'RESOLVED' || e.previousStatus === 'RESOLVED') return [];
        return [
          deliver(s, C['chat:ended'], [conv(e.conversation.id)], {
            conversationId: e.conversation.id,
            reason: 'resolved',
            status: e.conversation.status,
            endedBy: e.by,
            at: e.conversation.updatedAt,
          }),
        ];
      case 'chat.online':
        return [deliver(s, C['chat:online'], [conv(e.conversationId)], { conversationId: e.conversationId, users: e.users })];
      case 'system.maintenance':
        return [deliver(s, D['system:maintenance'], [{ kind: 'all' }], { message: e.message, startsAt: e.startsAt })];
      default:
        return [];
    }
  };
}
