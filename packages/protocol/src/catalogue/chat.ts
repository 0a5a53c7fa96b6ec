import { z } from 'zod';

import { ContentType, ConversationStatus } from '../enums';
import { ErrorPayload } from '../errors';
import { Id, IsoDate, MAX_MESSAGE_CHARS } from '../ids';
import { Conversation, Envelope, Message, UserSummary } from '../models';
import { defineEvents } from './define';

const ConversationRef = z.object({ conversationId: Id });

/** The `chat:message` body: the same limits as `send_message`, with `type` for the content type. */
export const ChatSend = z.object({
  conversationId: Id,
  content: z.string().trim().min(1, 'content is empty').max(MAX_MESSAGE_CHARS),
  type: ContentType.default('text'),
  clientMessageId: z.string().min(1).max(128).optional(),
});
export type ChatSend = z.infer<typeof ChatSend>;

/** Client to server on the `/chat` namespace. */
export const chatClient = defineEvents('chat', 'client', {
  'chat:join': {
    seeds: ['001'],
    room: 'joins conversation:{conversationId} after a tenant and role check',
    description: 'Join a conversation; acked with the conversation, followed by chat:online.',
    schema: ConversationRef,
    ack: Conversation,
  },
  'chat:leave': {
    seeds: ['001'],
    room: 'leaves conversation:{conversationId}',
    description: 'Leave a conversation.',
    schema: ConversationRef,
  },
  'chat:message': {
    seeds: ['001'],
    room: 'conversation:{conversationId}',
    description: 'Send a message; acked with the stored message after commit, as send_message.',
    schema: ChatSend,
    ack: Message,
  },
  'chat:typing': {
    seeds: ['001'],
    room: 'conversation:{conversationId}',
    // One event for both ways: `isTyping: false` stops, and typing also stops after 5 s of silence.
    description: 'Typing indicator; send isTyping: false to stop early.',
    schema: ConversationRef.extend({ isTyping: z.boolean().default(true) }),
  },
  'chat:read': {
    seeds: ['001'],
    room: 'conversation:{conversationId}',
    description: 'Mark the conversation read up to and including messageId.',
    schema: ConversationRef.extend({ messageId: Id }),
  },
});

/** `ChatMessage`: a stored message, with `type` for the content type, and its sender. */
export const ChatMessage = Envelope.extend(Message.shape).extend({
  type: ContentType,
  sender: UserSummary.nullable(),
});
export type ChatMessage = z.infer<typeof ChatMessage>;

/** Server to client on `/chat`. */
export const chatServer = defineEvents('chat', 'server', {
  'chat:message': {
    seeds: ['001'],
    room: 'conversation:{conversationId}',
    description: 'A message was stored. Deduplicate by id.',
    schema: ChatMessage,
  },
  'chat:typing': {
    seeds: ['001'],
    room: 'conversation:{conversationId} except the typist',
    // One event for both, so volatility is per emit: a lost start costs a flicker, a lost stop an indicator stuck on.
    description: 'Someone started (isTyping true; volatile) or stopped (isTyping false; never volatile) typing.',
    schema: z.object({ conversationId: Id, user: UserSummary, isTyping: z.boolean() }),
  },
  'chat:read': {
    seeds: ['001'],
    room: 'conversation:{conversationId}',
    description: 'Read receipt: userId has read up to messageId.',
    schema: Envelope.extend({ conversationId: Id, userId: Id, messageId: Id, readAt: IsoDate }),
  },
  'chat:online': {
    seeds: ['001'],
    room: 'conversation:{conversationId}',
    description: 'Who is in the conversation now; sent on every join and leave.',
    schema: z.object({ conversationId: Id, users: z.array(UserSummary) }),
  },
  'chat:ended': {
    seeds: ['001'],
    room: 'conversation:{conversationId}',
    description: 'The conversation was resolved; reason is free text such as "resolved" or "inactivity".',
    schema: Envelope.extend({
      conversationId: Id,
      reason: z.string(),
      status: ConversationStatus,
      endedBy: Id.nullable(),
      at: IsoDate,
    }),
  },
  error: {
    seeds: ['001'],
    room: 'the socket itself',
    description: 'A failed client event sent without a callback.',
    schema: ErrorPayload,
  },
});
