import { z } from 'zod';

import { DeliveryStatus, Role } from '../enums';
import { Id, IsoDate } from '../ids';
import { Conversation, Envelope, Message } from '../models';
import { defineEvents } from './define';

/**
 * The portal vocabulary, for default-namespace sockets with `auth.dialect = "portal"`
 * (or DEFAULT_DIALECT=portal). Client events are the default namespace's.
 */
export const portalServer = defineEvents('portal', 'server', {
  'conversation:new': {
    seeds: ['004'],
    room: 'tenant:{tenantId} (staff)',
    description: 'A new conversation started.',
    schema: Envelope.extend({ conversation: Conversation }).extend(Conversation.shape),
  },
  'conversation:updated': {
    seeds: ['004'],
    room: 'tenant:{tenantId} (staff), conversation:{conversationId}',
    description:
      'A conversation changed (status, assignee, classification, last message; its contact when a widget visitor is identified or the ' +
      "contact's name or email changes, to staff only); `changes` names the fields.",
    schema: Envelope.extend({ conversation: Conversation, changes: z.array(z.string()) }).extend(Conversation.shape),
  },
  'conversation:assigned': {
    seeds: ['004'],
    room: 'tenant:{tenantId} (staff), agent:{agentId}',
    description: 'A conversation was assigned (assigneeId null when unassigned).',
    schema: Envelope.extend({
      conversationId: Id,
      assigneeId: Id.nullable(),
      previousAssigneeId: Id.nullable(),
      conversation: Conversation,
    }),
  },
  'message:new': {
    seeds: ['004'],
    room: 'conversation:{conversationId}',
    description: 'A new message in a conversation.',
    schema: Envelope.extend({ message: Message }).extend(Message.shape),
  },
  'message:delivered': {
    seeds: ['004'],
    room: 'conversation:{conversationId}',
    description: 'A message’s delivery status changed (sent, delivered, read).',
    schema: Envelope.extend({ conversationId: Id, messageId: Id, status: DeliveryStatus, userId: Id.nullable(), at: IsoDate }),
  },
  'typing:start': {
    seeds: ['004'],
    room: 'conversation:{conversationId} except the typist',
    description: 'Someone is typing.',
    schema: z.object({ conversationId: Id, userId: Id, name: z.string().nullable(), role: Role }),
    volatile: true,
  },
  'typing:stop': {
    seeds: ['004'],
    room: 'conversation:{conversationId} except the typist',
    description: 'Typing stopped (also when the typist sends). Never volatile, so an indicator cannot stay on.',
    schema: z.object({ conversationId: Id, userId: Id, name: z.string().nullable(), role: Role }),
  },
});
