import { z } from 'zod';

import { DeliveryStatus } from '../enums';
import { Id, IsoDate } from '../ids';
import { Envelope } from '../models';
import { defineEvents } from './define';

/**
 * The widget vocabulary: sockets on `/tenant/{tenantId}/conv/{conversationId}`,
 * or on `/` with handshake query `{ tenantId, conversationId }`. Such a socket is
 * bound to that one conversation; it sends with the default client events.
 */
/** A message as the widget reads it; `direction` says who wrote it, as the widget's `appendMessage` wants. */
const widgetMessage = <D extends 'inbound' | 'outbound'>(direction: D) =>
  Envelope.extend({
    text: z.string(),
    mediaUrl: z.string().optional(),
    messageId: Id,
    timestamp: IsoDate,
    role: z.string(),
    senderId: Id.nullable(),
    clientMessageId: z.string().nullable(),
    conversationId: Id,
    direction: z.literal(direction),
  });

export const widgetServer = defineEvents('widget', 'server', {
  inbound_message: {
    seeds: ['003'],
    room: 'the bound conversation',
    description: 'A message from the customer (role USER; text, optional media). Agent and assistant replies are outbound_message.',
    schema: widgetMessage('inbound'),
  },
  outbound_message: {
    seeds: ['003'],
    // The widget's own word is inbound_message, which it shows as the customer's; replies need words of their own.
    room: 'the bound conversation',
    description:
      'A message to the customer: an agent’s or the assistant’s reply, or a system note (role HUMAN_AGENT, ASSISTANT or SYSTEM).',
    schema: widgetMessage('outbound'),
  },
  status_update: {
    seeds: ['003'],
    room: 'the bound conversation',
    description: 'A message’s delivery status: sent, delivered or read.',
    schema: Envelope.extend({ messageId: Id, status: DeliveryStatus, conversationId: Id }),
  },
});
