import { widgetServer as W } from '@switchboard/protocol';

import type { DomainEvent, EphemeralEvent } from '../../domain/domain-event';
import { deliver, type Delivery, type Surface } from '../delivery';
import { renderDefault } from './render-default';

const s: Surface = { ns: '/', dialect: 'widget' };

/**
 * The widget vocabulary, for sockets bound to one conversation. Besides its own
 * events a widget hears conversation-scoped facts (typing, status, assignment) in the default
 * vocabulary; tenant-wide ones never reach it, as it joins no tenant room.
 */
export function renderWidget(e: DomainEvent | EphemeralEvent): Delivery[] {
  switch (e.type) {
    case 'message.created': {
      const m = e.message;
      const to = [{ kind: 'conversation', id: m.conversationId } as const];
      const body = {
        text: m.content,
        ...(m.mediaUrl ? { mediaUrl: m.mediaUrl } : {}),
        messageId: m.id,
        timestamp: m.createdAt,
        role: m.role,
        senderId: m.senderId,
        clientMessageId: m.clientMessageId,
        conversationId: m.conversationId,
      };
      // Only the customer's own words are inbound; everything said to them is outbound.
      return [
        m.role === 'USER'
          ? deliver(s, W.inbound_message, to, { ...body, direction: 'inbound' })
          : deliver(s, W.outbound_message, to, { ...body, direction: 'outbound' }),
      ];
    }
    case 'message.status':
      return [
        deliver(s, W.status_update, [{ kind: 'conversation', id: e.conversationId }], {
          messageId: e.messageId,
          status: e.status,
          conversationId: e.conversationId,
        }),
      ];
    // Typing, status, and who took the conversation (issue 17).
    case 'typing':
    case 'conversation.status_changed':
    case 'conversation.assigned':
    case 'conversation.unassigned':
    case 'system.maintenance':
    case 'custom':
      return renderDefault(e, 'widget');
    default:
      return [];
  }
}
