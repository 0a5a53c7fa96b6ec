import type { AttachmentRef, ContentType, DeliveryStatus, Message, MessageRole } from '@switchboard/protocol';

/**
 * A message as every vocabulary can describe it: the default `new_message`,
 * the portal's `message:new`, the widget's `inbound_message` / `outbound_message` (which say less: no account,
 * no status) and the HTTP API all map onto this.
 */
export interface ChatMessage {
  id: string;
  conversationId: string;
  role: MessageRole;
  senderId: string | null;
  content: string;
  contentType: ContentType;
  clientMessageId: string | null;
  status: DeliveryStatus;
  createdAt: string;
  mediaUrl?: string | null;
  confidence?: number | null;
  /** Files and images the message carries (issue 16); fetch each with HttpApi.fetchAttachment. */
  attachments?: AttachmentRef[];
}

const RANK: Record<DeliveryStatus, number> = { sent: 0, delivered: 1, read: 2 };

/** Delivery status only moves forward: a late `delivered` never undoes `read`. */
export function laterStatus(a: DeliveryStatus, b: DeliveryStatus): DeliveryStatus {
  return RANK[b] > RANK[a] ? b : a;
}

export function statusAtLeast(status: DeliveryStatus, floor: DeliveryStatus): boolean {
  return RANK[status] >= RANK[floor];
}

/** Reads any message shape the server sends (user_message widens channelType to a string). */
export function fromMessage(m: Omit<Message, 'channelType'>): ChatMessage {
  return {
    id: m.id,
    conversationId: m.conversationId,
    role: m.role,
    senderId: m.senderId,
    content: m.content,
    contentType: m.contentType,
    clientMessageId: m.clientMessageId,
    status: m.status,
    createdAt: m.createdAt,
    mediaUrl: m.mediaUrl ?? null,
    confidence: m.confidence ?? null,
    ...(m.attachments?.length ? { attachments: m.attachments } : {}),
  };
}

/** Oldest first; the id breaks ties the way the server orders history. */
export function compareMessages(a: ChatMessage, b: ChatMessage): number {
  if (a.createdAt !== b.createdAt) return a.createdAt < b.createdAt ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}
