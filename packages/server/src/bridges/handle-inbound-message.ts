import type { Actor } from '../access/policy';
import type { Services } from '../services';
import type { InboundChannelMessage } from './bridge-messages';

export type InboundDeps = Pick<Services, 'users' | 'conversations' | 'messages'>;

export interface InboundOutcome {
  messageId: string;
  conversationId: string;
  /** False for a redelivery or a second publish of the same external message id. */
  created: boolean;
}

/**
 * Stores a customer's channel message through the same services a socket uses, acting as that
 * customer: access rules apply unchanged, and the message raises the same domain events
 * (`message.created`, and `conversation.created` when it opens a thread). Idempotent on the
 * external message id, so a redelivery stores and announces nothing.
 */
export async function handleInboundMessage(deps: InboundDeps, msg: InboundChannelMessage): Promise<InboundOutcome> {
  const actor: Actor = { userId: msg.from.contactId, accountId: msg.tenantId, role: 'customer', teamIds: [] };
  await deps.users.ensureContact(msg.tenantId, msg.from.contactId, msg.from.name ?? null);
  const conversationId =
    msg.conversationId ??
    (
      await deps.conversations.openByExternalId(actor, {
        externalId: msg.conversationExternalId ?? threadOf(msg),
        channelType: msg.channelType,
      })
    ).conversation.id;
  const text = msg.text ?? '';
  const { message, created } = await deps.messages.send(actor, {
    conversationId,
    content: text,
    contentType: msg.contentType ?? (msg.mediaUrl && !text.trim() ? 'file' : 'text'),
    mediaUrl: msg.mediaUrl ?? null,
    externalId: msg.externalMessageId,
    role: 'USER',
  });
  return { messageId: message.id, conversationId: message.conversationId, created };
}

/** The key a message is serialised on, so one conversation's messages are stored in queue order. */
export function inboundOrderKey(msg: InboundChannelMessage): string {
  return `${msg.tenantId}\u0000${msg.conversationId ?? msg.conversationExternalId ?? threadOf(msg)}`;
}

/** Without a thread id a contact has one conversation per channel, as in the WhatsApp app itself. */
function threadOf(msg: InboundChannelMessage): string {
  return `${msg.channelType}:${msg.from.contactId}`;
}
