import type {
  Conversation,
  DeliveryStatus,
  PresenceEntry,
  PresenceStatus,
  Role,
  ServerToClientDefault,
  ServerToClientPresence,
} from '@switchboard/protocol';

import { type ChatMessage, fromMessage } from './chat-message';
import { DefaultIn, PortalIn, PresenceIn, WidgetIn } from './protocol-constants';

/**
 * What happened, whatever words it arrived in. The default vocabulary, the
 * portal vocabulary, the widget vocabulary, `/presence` and the polling
 * fallback (always default vocabulary) all reduce to these, so hooks and views
 * are written once.
 */
export type Fact =
  | { kind: 'message'; message: ChatMessage }
  | { kind: 'status'; conversationId: string; messageId: string; status: DeliveryStatus; userId: string | null }
  | {
      kind: 'conversation';
      conversationId: string;
      conversation?: Conversation;
      patch?: Partial<Conversation>;
      created: boolean;
      /** What changed, when the vocabulary says (the portal's `conversation:updated`, the default `conversation_updated`). */
      changes?: readonly string[];
    }
  | { kind: 'typing'; conversationId: string; userId: string; name: string | null; role: Role; typing: boolean }
  | { kind: 'presence'; userId: string; status: PresenceStatus; lastSeen: string | null };

type In<E extends keyof ServerToClientDefault> = Parameters<ServerToClientDefault[E]>[0];
type PresenceInPayload<E extends keyof ServerToClientPresence> = Parameters<ServerToClientPresence[E]>[0];

/** The facts one incoming event states; none for events that are not about conversations or people. */
export function factsOf(event: string, payload: unknown): Fact[] {
  switch (event) {
    case DefaultIn.new_message:
    case DefaultIn.message_sent:
      return [{ kind: 'message', message: fromMessage((payload as In<typeof DefaultIn.new_message>).message) }];
    case DefaultIn.user_message:
      return [{ kind: 'message', message: fromMessage((payload as In<typeof DefaultIn.user_message>).message) }];
    case PortalIn['message:new']:
      return [{ kind: 'message', message: fromMessage((payload as In<(typeof PortalIn)['message:new']>).message) }];
    // The widget vocabulary hears the customer's messages as inbound_message and the replies as outbound_message;
    // the role (not the event) says who wrote it, so both read the same.
    case WidgetIn.inbound_message:
    case WidgetIn.outbound_message: {
      const p = payload as In<typeof WidgetIn.inbound_message> | In<typeof WidgetIn.outbound_message>;
      return [
        {
          kind: 'message',
          message: {
            id: p.messageId,
            conversationId: p.conversationId,
            role: p.role as ChatMessage['role'],
            senderId: p.senderId,
            content: p.text,
            contentType: 'text',
            clientMessageId: p.clientMessageId,
            // The widget payload carries no status: a message just stored is `sent`; status_update moves it on.
            status: 'sent',
            createdAt: p.timestamp,
            mediaUrl: p.mediaUrl ?? null,
          },
        },
      ];
    }
    case DefaultIn.message_status:
    case PortalIn['message:delivered']: {
      const p = payload as In<typeof DefaultIn.message_status>;
      return [{ kind: 'status', conversationId: p.conversationId, messageId: p.messageId, status: p.status, userId: p.userId }];
    }
    case WidgetIn.status_update: {
      const p = payload as In<typeof WidgetIn.status_update>;
      return [{ kind: 'status', conversationId: p.conversationId, messageId: p.messageId, status: p.status, userId: null }];
    }
    case DefaultIn.conversation_created:
      return [conversationFact((payload as In<typeof DefaultIn.conversation_created>).conversation, true)];
    case PortalIn['conversation:new']:
      return [conversationFact((payload as In<(typeof PortalIn)['conversation:new']>).conversation, true)];
    case PortalIn['conversation:updated']: {
      const p = payload as In<(typeof PortalIn)['conversation:updated']>;
      return [{ ...conversationFact(p.conversation, false), changes: p.changes }];
    }
    case DefaultIn.conversation_updated: {
      const p = payload as In<typeof DefaultIn.conversation_updated>;
      return [{ ...conversationFact(p.conversation, false), changes: p.changes }];
    }
    case PortalIn['conversation:assigned']:
      return [conversationFact((payload as In<(typeof PortalIn)['conversation:assigned']>).conversation, false)];
    case DefaultIn.conversation_assigned:
    case DefaultIn.conversation_unassigned:
      return [conversationFact((payload as In<typeof DefaultIn.conversation_assigned>).conversation, false)];
    case DefaultIn.conversation_status_changed: {
      const p = payload as In<typeof DefaultIn.conversation_status_changed>;
      return [
        { kind: 'conversation', conversationId: p.conversationId, patch: { status: p.status, updatedAt: p.updatedAt }, created: false },
      ];
    }
    case DefaultIn.typing_start:
    case DefaultIn.typing_stop:
    case PortalIn['typing:start']:
    case PortalIn['typing:stop']: {
      const p = payload as In<typeof DefaultIn.typing_start>;
      const typing = event === DefaultIn.typing_start || event === PortalIn['typing:start'];
      return [{ kind: 'typing', conversationId: p.conversationId, userId: p.userId, name: p.name, role: p.role, typing }];
    }
    case DefaultIn.agent_online:
    case DefaultIn.agent_offline: {
      const p = payload as In<typeof DefaultIn.agent_online>;
      const status = event === DefaultIn.agent_offline ? 'offline' : asPresence(p.status);
      return [{ kind: 'presence', userId: p.userId, status, lastSeen: p.lastSeen }];
    }
    case PresenceIn['presence:update']: {
      const p = payload as PresenceInPayload<(typeof PresenceIn)['presence:update']>;
      return [{ kind: 'presence', userId: p.userId, status: p.status, lastSeen: p.lastSeen }];
    }
    case PresenceIn['presence:list']:
      return (payload as PresenceEntry[]).map((p) => ({ kind: 'presence', userId: p.userId, status: p.status, lastSeen: p.lastSeen }));
    default:
      return [];
  }
}

function conversationFact(conversation: Conversation, created: boolean): Extract<Fact, { kind: 'conversation' }> {
  return { kind: 'conversation', conversationId: conversation.id, conversation, created };
}

function asPresence(status: string): PresenceStatus {
  return status === 'busy' || status === 'away' || status === 'offline' ? status : 'online';
}
