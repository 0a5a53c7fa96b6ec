import { z } from 'zod';

import {
  ChannelType,
  ContentType,
  ConversationStatus,
  DeliveryStatus,
  MessageRole,
  PresenceStatus,
  Role,
  TicketPriority,
  TicketStatus,
} from './enums';
import { Id, IsoDate } from './ids';

/** Every broadcast carries its event-log position and a stable id, for replay and dedup. */
export const Envelope = z.object({
  seq: z.number().int().optional(),
  eventId: z.string().optional(),
});

export const UserSummary = z.object({
  id: Id,
  name: z.string().nullable(),
  email: z.string().nullable(),
  role: Role,
});
export type UserSummary = z.infer<typeof UserSummary>;

export const User = UserSummary.extend({
  accountId: Id,
  teamIds: z.array(Id),
  lastSeenAt: IsoDate.nullable(),
});
export type User = z.infer<typeof User>;

export const Classification = z.object({
  priority: TicketPriority,
  sentiment: z.enum(['positive', 'neutral', 'negative']),
  category: z.string(),
  language: z.string(),
  confidence: z.number().min(0).max(1).optional(),
});
export type Classification = z.infer<typeof Classification>;

/** Who a conversation is with, from the name and email claims of the contact's tokens (issue 16). */
export const ContactSummary = z.object({
  id: Id,
  name: z.string().nullable(),
  email: z.string().nullable(),
  /** One or two letters for an avatar: from the name, else the email, else the id. */
  initials: z.string(),
});
export type ContactSummary = z.infer<typeof ContactSummary>;

/** The newest message of a conversation, for an inbox row; `content` is cut to a preview length. */
export const LastMessagePreview = z.object({
  id: Id,
  content: z.string(),
  role: MessageRole,
  senderId: Id.nullable(),
  createdAt: IsoDate,
});
export type LastMessagePreview = z.infer<typeof LastMessagePreview>;

/** A tenant's label (issue 16): admins keep the set, agents apply labels; staff only, never customers. */
export const Label = z.object({
  id: Id,
  accountId: Id,
  name: z.string(),
  /** `#rrggbb`. */
  color: z.string(),
  createdAt: IsoDate,
});
export type Label = z.infer<typeof Label>;

/** A label as a conversation carries it: enough to draw a chip. */
export const LabelRef = Label.pick({ id: true, name: true, color: true });
export type LabelRef = z.infer<typeof LabelRef>;

/** A reply admins prepare (issue 16); agents insert it by its shortcut, `{{contact.name}}`-style placeholders filled. */
export const CannedResponse = z.object({
  id: Id,
  accountId: Id,
  /** Typed after `/` in the composer: letters, digits, `-` and `_`. */
  shortcut: z.string(),
  title: z.string().nullable(),
  content: z.string(),
  createdAt: IsoDate,
  updatedAt: IsoDate,
});
export type CannedResponse = z.infer<typeof CannedResponse>;

/**
 * A file or image uploaded into a conversation (issue 16), as a message references it. The bytes are
 * at `GET /api/attachments/{id}`, for whoever may read the conversation.
 */
export const AttachmentRef = z.object({
  id: Id,
  name: z.string(),
  contentType: z.string(),
  size: z.number().int().min(0),
  /** `image`: shown inline; `file`: offered as a download. */
  kind: z.enum(['image', 'file']),
});
export type AttachmentRef = z.infer<typeof AttachmentRef>;

export const Attachment = AttachmentRef.extend({
  accountId: Id,
  conversationId: Id,
  uploaderId: Id,
  createdAt: IsoDate,
});
export type Attachment = z.infer<typeof Attachment>;

export const Conversation = z.object({
  id: Id,
  accountId: Id,
  contactId: Id.nullable(),
  status: ConversationStatus,
  assigneeId: Id.nullable(),
  teamId: Id.nullable(),
  subject: z.string().nullable(),
  channelType: ChannelType,
  classification: Classification.nullable().optional(),
  createdAt: IsoDate,
  updatedAt: IsoDate,
  lastMessageAt: IsoDate.nullable(),
  /** Inbox fields (issue 16), present on the HTTP reads; live payloads may leave them out. */
  contact: ContactSummary.nullable().optional(),
  lastMessage: LastMessagePreview.nullable().optional(),
  /** Messages from others after the caller's read position; per caller, so only on the caller's own reads. */
  unreadCount: z.number().int().min(0).optional(),
  /** The conversation's labels, oldest applied first; on staff reads only (customers never see labels). */
  labels: z.array(LabelRef).optional(),
});
export type Conversation = z.infer<typeof Conversation>;

/**
 * A private note (issue 16): written by staff in a conversation, read by staff only. Notes are not
 * messages: they live apart, so no path that serves messages (history, replay, previews, unread
 * counts, search, the widget, bridges) can carry one to a customer.
 */
export const Note = z.object({
  id: Id,
  accountId: Id,
  conversationId: Id,
  authorId: Id,
  content: z.string(),
  createdAt: IsoDate,
});
export type Note = z.infer<typeof Note>;

/**
 * One result of the staff search (issue 16, `GET /api/search`): a message whose text matches, or a
 * conversation whose contact's name or email does. `content` is the message text cut to a preview.
 */
export const SearchHit = z.object({
  kind: z.enum(['message', 'contact']),
  conversationId: Id,
  messageId: Id.nullable(),
  content: z.string().nullable(),
  role: MessageRole.nullable(),
  contact: ContactSummary.nullable(),
  rank: z.number(),
  createdAt: IsoDate,
});
export type SearchHit = z.infer<typeof SearchHit>;

export const SearchPage = z.object({
  hits: z.array(SearchHit),
  /** Pass back as `cursor` for the next page; null on the last one. */
  nextCursor: z.string().nullable(),
});
export type SearchPage = z.infer<typeof SearchPage>;

export const Message = z.object({
  id: Id,
  conversationId: Id,
  accountId: Id,
  role: MessageRole,
  senderId: Id.nullable(),
  content: z.string(),
  contentType: ContentType,
  clientMessageId: z.string().nullable(),
  externalId: z.string().nullable().optional(),
  mediaUrl: z.string().nullable().optional(),
  status: DeliveryStatus,
  confidence: z.number().nullable().optional(),
  latencyMs: z.number().nullable().optional(),
  channelType: ChannelType.optional(),
  /** Files and images sent with the message (issue 16); absent when there are none. */
  attachments: z.array(AttachmentRef).optional(),
  createdAt: IsoDate,
});
export type Message = z.infer<typeof Message>;

export const Ticket = z.object({
  id: Id,
  accountId: Id,
  conversationId: Id.nullable(),
  subject: z.string(),
  status: TicketStatus,
  priority: TicketPriority,
  assigneeId: Id.nullable(),
  teamId: Id.nullable(),
  slaFirstResponseDueAt: IsoDate.nullable(),
  slaResolutionDueAt: IsoDate.nullable(),
  createdAt: IsoDate,
  updatedAt: IsoDate,
});
export type Ticket = z.infer<typeof Ticket>;

export const Notification = z.object({
  id: Id,
  userId: Id,
  kind: z.enum(['assigned', 'mentioned', 'new_conversation', 'sla_warning', 'sla_breached', 'handoff']),
  title: z.string(),
  message: z.string(),
  data: z.record(z.string(), z.unknown()),
  readAt: IsoDate.nullable(),
  createdAt: IsoDate,
});
export type Notification = z.infer<typeof Notification>;

export const PresenceEntry = z.object({
  userId: Id,
  status: PresenceStatus,
  lastSeen: IsoDate.nullable(),
});
export type PresenceEntry = z.infer<typeof PresenceEntry>;
