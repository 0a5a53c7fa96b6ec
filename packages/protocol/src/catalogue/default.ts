import { z } from 'zod';

import { AiAgentStatus, ContentType, ConversationStatus, DeliveryStatus, MessageRole, PresenceStatus, Role } from '../enums';
import { ErrorPayload } from '../errors';
import { Id, IsoDate, MAX_ATTACHMENTS_PER_MESSAGE, MAX_MESSAGE_CHARS } from '../ids';
import { Classification, Conversation, Envelope, Label, LabelRef, Message, Note, User } from '../models';
import { defineEvents } from './define';

/** A conversation id, bare or as `{ conversationId }`. */
const ConversationRef = z
  .union([Id, z.object({ conversationId: Id })])
  .transform((v) => (typeof v === 'string' ? { conversationId: v } : v));
const ConversationOnly = z.object({ conversationId: Id });

export const SendMessage = z.object({
  conversationId: Id,
  content: z.string().trim().min(1, 'content is empty').max(MAX_MESSAGE_CHARS),
  contentType: ContentType.default('text'),
  clientMessageId: z.string().min(1).max(128).optional(),
  /** Attachments uploaded to this conversation (POST /api/conversations/:id/attachments) to send with the text. */
  attachmentIds: z.array(Id).min(1).max(MAX_ATTACHMENTS_PER_MESSAGE).optional(),
});
export type SendMessage = z.infer<typeof SendMessage>;

/**
 * The end of one replay, in `sync_complete` and in `sync`'s ack. Replay is paged: one `sync` (or the
 * handshake's `auth.lastSeq`) sends at most REPLAY_MAX_PER_SYNC events, read from the log a page at
 * a time; while `hasMore` the client continues with `sync { since: lastSeq }` (after `retryAfterMs`
 * when given). `resync` means the client is too far behind for replay (see `resync_required`).
 */
export const SyncResult = z.object({
  lastSeq: z.number().int(),
  replayed: z.number().int(),
  hasMore: z.boolean(),
  retryAfterMs: z.number().int().optional(),
  resync: z.literal(true).optional(),
});
export type SyncResult = z.infer<typeof SyncResult>;

/** Client to server on the default namespace. */
export const defaultClient = defineEvents('default', 'client', {
  authenticate: {
    seeds: ['002'],
    room: 'the socket itself',
    description: 'Late authentication, when LATE_AUTH_MS > 0 and the handshake carried no token.',
    schema: z
      .union([z.string().min(1), z.object({ token: z.string().min(1) })])
      .transform((v) => (typeof v === 'string' ? { token: v } : v)),
    ack: z.object({ userId: Id }),
  },
  join_conversation: {
    seeds: ['000', '002'],
    room: 'joins conversation:{conversationId} after a tenant and role check',
    description: 'Join a conversation room; acked with the conversation’s id.',
    schema: ConversationRef,
    ack: ConversationOnly,
  },
  leave_conversation: {
    seeds: ['000'],
    room: 'leaves conversation:{conversationId}',
    description: 'Leave a conversation room; acked with the conversation’s id.',
    schema: ConversationRef,
    ack: ConversationOnly,
  },
  send_message: {
    seeds: ['002'],
    room: 'conversation:{conversationId}',
    description: 'Send a message; acked with the stored message after commit. clientMessageId makes it idempotent.',
    schema: SendMessage,
    ack: Message,
  },
  typing_start: { seeds: ['002'], room: 'conversation:{conversationId}', description: 'Started typing.', schema: ConversationOnly },
  typing_stop: { seeds: ['002'], room: 'conversation:{conversationId}', description: 'Stopped typing.', schema: ConversationOnly },
  agent_online: {
    seeds: ['002'],
    room: 'tenant:{accountId}',
    description: 'Staff marks itself online.',
    schema: z.object({}).nullish(),
  },
  agent_offline: {
    seeds: ['002'],
    room: 'tenant:{accountId}',
    description: 'Staff marks itself offline while staying connected.',
    schema: z.object({}).nullish(),
  },
  update_conversation_status: {
    seeds: ['002'],
    room: 'conversation:{conversationId}',
    description: 'Change a conversation status (agents and admins); acked with the conversation.',
    schema: z.object({ conversationId: Id, status: ConversationStatus }),
    ack: Conversation,
  },
  assign_conversation: {
    seeds: ['002'],
    room: 'conversation:{conversationId}',
    description: 'Assign a conversation to an agent of the same tenant; acked with the conversation.',
    schema: z.object({ conversationId: Id, agentId: Id }),
    ack: Conversation,
  },
  unassign_conversation: {
    seeds: ['002'],
    room: 'conversation:{conversationId}',
    description: 'Remove the assignee; acked with the conversation.',
    schema: ConversationOnly,
    ack: Conversation,
  },
  mark_read: {
    seeds: ['002'],
    room: 'conversation:{conversationId}',
    description: 'Read receipt up to and including messageId; acked with the message.',
    schema: z.object({ conversationId: Id, messageId: Id }),
    ack: Message,
  },
  mark_delivered: {
    seeds: ['004'],
    room: 'conversation:{conversationId}',
    description: "A recipient's client confirms it received messageId (delivery ticks); acked with the message.",
    schema: z.object({ conversationId: Id, messageId: Id }),
    ack: Message,
  },
  sync: {
    seeds: ['001'],
    room: 'the socket itself',
    description:
      'Replay, in order, the events this socket may see with seq > since and did not get live, then sync_complete. ' +
      'Paged: at most REPLAY_MAX_PER_SYNC (default 1,000) events per call, read REPLAY_PAGE_SIZE (500) at a time; ' +
      'while the answer says hasMore, continue with sync { since: lastSeq }. One replay at a time per socket ' +
      '(one more waits its turn; a third meanwhile is RATE_LIMITED, details.reason "REPLAY_IN_PROGRESS"); replayed events are paid from the ' +
      "socket's replay budget (REPLAY_BUDGET_EVENTS per window: RATE_LIMITED with retryAfterMs when spent). " +
      'More than REPLAY_RESYNC_THRESHOLD (5,000) events behind: nothing is replayed, resync_required is sent.',
    schema: z.object({ since: z.number().int().min(0) }),
    ack: SyncResult,
  },
  ping: {
    seeds: ['001'],
    room: 'the socket itself',
    description: 'Keep-alive ping, answered by pong (and acked with the same).',
    schema: z.object({ timestamp: z.number() }),
    ack: z.object({ timestamp: z.number(), serverTime: z.number() }),
  },
  'token:update': {
    seeds: ['001'],
    room: 'the socket itself',
    description: 'A fresh token, in answer to token:refresh; acked (and followed by token:updated) with its expiry.',
    schema: z.object({ token: z.string().min(1) }),
    ack: z.object({ expiresAt: IsoDate }),
  },
});

/** A message both nested under `message` and flat, in one object, so clients reading either shape find theirs. */
export const NewMessagePayload = Envelope.extend({
  conversationId: Id,
  message: Message,
  id: Id,
  accountId: Id,
  role: MessageRole,
  senderId: Id.nullable(),
  content: z.string(),
  contentType: ContentType,
  clientMessageId: z.string().nullable(),
  status: DeliveryStatus,
  createdAt: IsoDate,
});
export type NewMessagePayload = z.infer<typeof NewMessagePayload>;

const Typing = z.object({ conversationId: Id, userId: Id, name: z.string().nullable(), role: Role });
const AgentPresence = Envelope.extend({ agentId: Id, userId: Id, accountId: Id, status: z.string(), lastSeen: IsoDate.nullable() });
const Assignment = Envelope.extend({
  conversationId: Id,
  agentId: Id.nullable(),
  previousAgentId: Id.nullable(),
  assignedBy: Id.nullable(),
  conversation: Conversation,
});

/** Server to client on the default namespace, default vocabulary. */
export const defaultServer = defineEvents('default', 'server', {
  authenticated: {
    seeds: ['002'],
    room: 'the socket itself',
    description: 'Sent once the socket is authenticated.',
    schema: z.object({
      userId: Id,
      accountId: Id,
      email: z.string().nullable(),
      name: z.string().nullable(),
      role: Role,
      teamIds: z.array(Id),
      lastSeq: z.number().int(),
    }),
  },
  new_message: {
    seeds: ['000', '002'],
    room: 'conversation:{conversationId}; also tenant staff for assistant and agent messages',
    description: 'A message was stored.',
    schema: NewMessagePayload,
  },
  message_sent: {
    seeds: ['002'],
    room: 'the sending socket',
    description: 'The sender’s message is committed.',
    schema: NewMessagePayload,
  },
  user_message: {
    seeds: ['000'],
    room: 'tenant staff (ws:{workspaceId})',
    description: 'A customer message arrived from any channel.',
    schema: Envelope.extend({
      conversationId: Id,
      message: Message.extend({ role: z.literal('USER'), channelType: z.string() }),
    }),
  },
  message_status: {
    seeds: ['002', '004'],
    room: 'conversation:{conversationId}',
    description: 'A message was delivered to or read by a recipient.',
    schema: Envelope.extend({ conversationId: Id, messageId: Id, status: DeliveryStatus, userId: Id.nullable(), at: IsoDate }),
  },
  conversation_created: {
    seeds: ['004'],
    room: 'tenant staff',
    description: "A conversation was opened (the portal's conversation:new in the default vocabulary).",
    schema: Envelope.extend({ conversation: Conversation }),
  },
  conversation_status_changed: {
    seeds: ['000'],
    room: 'tenant staff, conversation:{conversationId}',
    description: 'Conversation status changed.',
    schema: Envelope.extend({
      conversationId: Id,
      status: ConversationStatus,
      updatedAt: IsoDate,
      previousStatus: ConversationStatus.optional(),
    }),
  },
  conversation_assigned: {
    seeds: ['002'],
    room: 'agent:{agentId}, conversation:{conversationId}, tenant staff',
    description: 'A conversation was assigned.',
    schema: Assignment,
  },
  conversation_unassigned: {
    seeds: ['002'],
    room: 'agent:{previousAgentId}, conversation:{conversationId}, tenant staff',
    description: 'A conversation lost its assignee.',
    schema: Assignment,
  },
  conversation_updated: {
    // 004's conversation:updated in the default vocabulary, for changes no narrower event names.
    seeds: ['004'],
    room: 'tenant staff only (never the conversation room)',
    description:
      "A conversation's fields changed where no narrower event (status, assignment, labels) says so; `changes` names the fields and " +
      '`conversation` is the whole conversation after the change. Today: its contact, with `contact` filled in: when a widget visitor is ' +
      'identified as a known customer (POST /api/widget/sessions with userId and userHash) and the conversation moves to that customer ' +
      "(`changes: ['contactId', 'contact']`), and when its contact's name or email changes (a token with new claims, the widget's " +
      "pre-chat form, a bridge message naming the contact; `changes: ['contact']`, one per conversation of the contact, most recent 200). " +
      'Customers never receive it.',
    schema: Envelope.extend({ conversationId: Id, conversation: Conversation, changes: z.array(z.string()) }),
  },
  typing_start: {
    seeds: ['002'],
    room: 'conversation:{conversationId} except the typist',
    description: 'Someone is typing.',
    schema: Typing,
    volatile: true,
  },
  typing_stop: {
    seeds: ['002'],
    room: 'conversation:{conversationId} except the typist',
    description:
      'Typing stopped (by the typist, by its sending a message, or after 5 s of silence). Never volatile, so an indicator cannot stay on.',
    schema: Typing,
  },
  agent_online: { seeds: ['002'], room: 'tenant staff', description: 'A staff member came online.', schema: AgentPresence },
  agent_offline: { seeds: ['002'], room: 'tenant staff', description: 'A staff member went offline.', schema: AgentPresence },
  presence_snapshot: {
    // Ours: one snapshot replaces replaying every agent's presence announcement on connect (issue 13).
    seeds: ['002'],
    room: 'the socket itself (staff), right after authenticated',
    description:
      'Who is online now: staff user id -> chosen status (online, busy, away); a chosen offline is left out. ' +
      'Later changes arrive as agent_online / agent_offline; nothing is replayed.',
    schema: z.object({ accountId: Id, statuses: z.record(z.string(), PresenceStatus) }),
  },
  handoff_triggered: {
    seeds: ['000'],
    room: 'tenant staff',
    description: 'A conversation was handed off to humans.',
    schema: Envelope.extend({
      conversationId: Id,
      handoffId: Id,
      trigger: z.string(),
      destination: z.union([z.string(), z.record(z.string(), z.unknown())]),
      summary: z.string(),
      agentId: z.string().nullable(),
    }),
  },
  agent_status_changed: {
    seeds: ['000'],
    room: 'tenant staff',
    description: 'An AI agent was activated or deactivated.',
    schema: Envelope.extend({ agentId: Id, status: AiAgentStatus }),
  },
  credits_updated: {
    seeds: ['000'],
    room: 'tenant staff',
    description: 'The tenant’s credit balance changed.',
    schema: Envelope.extend({ balance: z.number(), delta: z.number(), reason: z.string() }),
  },
  ai_processing_started: {
    seeds: ['002'],
    room: 'tenant staff only (never the conversation’s customer)',
    description: 'AI work started on a message.',
    schema: Envelope.extend({ conversationId: Id, messageId: Id }),
  },
  ai_classification: {
    seeds: ['002'],
    room: 'tenant staff only (never the conversation’s customer)',
    description: 'AI classification of a customer message.',
    schema: Envelope.extend({ conversationId: Id, messageId: Id }).extend(Classification.shape),
  },
  ai_draft: {
    seeds: ['002'],
    room: 'agent:{assigneeId} only',
    description: 'A suggested reply for the assigned agent.',
    schema: Envelope.extend({
      conversationId: Id,
      messageId: Id.optional(),
      draft: z.object({ content: z.string() }),
      confidence: z.number(),
    }),
  },
  note_created: {
    // Ours (no source vocabulary has notes): it joins the snake_case words agents working conversations already hear.
    seeds: ['002'],
    room: 'tenant staff only (never the conversation room)',
    description:
      'A private note was written in a conversation (issue 16; POST /api/conversations/:id/notes). Staff only: customers never receive it, live or in replay.',
    schema: Envelope.extend({ conversationId: Id, note: Note }),
  },
  conversation_labels_changed: {
    // Ours, like note_created: in the words agents working conversations already hear.
    seeds: ['002'],
    room: 'tenant staff only (never the conversation room)',
    description:
      "A conversation's labels changed (issue 16): applied or removed by an agent, or applied from the AI's category. `labels` is the whole set after the change. Customers never receive it.",
    schema: Envelope.extend({ conversationId: Id, labels: z.array(LabelRef), added: z.array(Id), removed: z.array(Id), by: Id.nullable() }),
  },
  read_position_changed: {
    // Ours, like note_created: in the words agents working conversations already hear.
    seeds: ['002'],
    room: "the reader's own user room (every tab and device of that person)",
    description:
      "The reader's position in a conversation moved (issue 16: POST /api/conversations/:id/read from any device): `unreadCount` is what remains for that reader, so every tab and device of the same person shows the same badge at once. Nobody else receives it.",
    schema: Envelope.extend({ conversationId: Id, unreadCount: z.number().int().nonnegative(), lastReadMessageId: Id.nullable() }),
  },
  labels_updated: {
    seeds: ['002'],
    room: 'tenant staff only',
    description: "The tenant's labels changed (one created, renamed, recoloured or deleted): `labels` is the whole set after the change.",
    schema: Envelope.extend({ labels: z.array(Label) }),
  },
  ai_processing_completed: {
    seeds: ['002'],
    room: 'tenant staff only (never the conversation’s customer)',
    description: 'AI work on a message finished.',
    schema: Envelope.extend({ conversationId: Id, messageId: Id, ok: z.boolean(), durationMs: z.number() }),
  },
  sync_complete: {
    seeds: ['001'],
    room: 'the socket itself',
    description:
      'A replay (sync, or the handshake with auth.lastSeq) ended: live events follow. With hasMore, continue with ' +
      'sync { since: lastSeq } (after retryAfterMs when given); with resync, see resync_required.',
    schema: SyncResult,
  },
  resync_required: {
    seeds: ['001'],
    room: 'the socket itself',
    description:
      'The socket is more than REPLAY_RESYNC_THRESHOLD events behind: nothing was replayed. Reload state over HTTP ' +
      '(GET /api/conversations, /api/conversations/:id/messages; or page GET /api/updates?since=) and continue from lastSeq.',
    schema: z.object({ since: z.number().int(), lastSeq: z.number().int(), threshold: z.number().int() }),
  },
  pong: {
    seeds: ['001'],
    room: 'the socket itself',
    description: 'Answer to ping.',
    schema: z.object({ timestamp: z.number(), serverTime: z.number() }),
  },
  'user:updated': { seeds: ['001'], room: 'user:{userId}', description: 'The current user changed.', schema: User },
  'system:maintenance': {
    seeds: ['001'],
    room: 'everyone: every socket of every tenant, on / and on each named namespace',
    description: 'Maintenance notice, sent by an admin through the internal API (POST /internal/maintenance).',
    schema: z.object({ message: z.string(), startsAt: IsoDate }),
  },
  'token:refresh': {
    seeds: ['001'],
    room: 'the socket itself',
    description: 'The token expires soon; answer with token:update.',
    schema: z.object({ expiresAt: IsoDate }),
  },
  'token:updated': {
    seeds: ['001'],
    room: 'the socket itself',
    description: 'The new token was accepted.',
    schema: z.object({ expiresAt: IsoDate }),
  },
  error: {
    seeds: ['001', '002'],
    room: 'the socket itself',
    description:
      'A failed client event sent without a callback, an expired token, or a widget visitor merged into a known customer ' +
      '(AUTH_TOKEN_INVALID with details.reason "VISITOR_MERGED", to every socket of the visitor, on every namespace). ' +
      'The server disconnects the socket right after the last two.',
    schema: ErrorPayload,
  },
});
