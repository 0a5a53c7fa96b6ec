import { z } from 'zod';
import { DeliveryStatus } from '../enums';
import { Id, IsoDate } from '../ids';
import { Envelope } from '../models';
import { defineEvents } from './define';

/**
 * Seed 003's vocabulary: sockets on `/tenant/{tenantId}/conv/{conversationId}`,
 * or on `/` with handshake query `{ tenantId, conversationId }`. Such a socket is
 * bound to that one conversation; it sends with the default client events.
 */
export const widgetServer = defineEvents('widget', 'server', {
  inbound_message: {
    seeds: ['003'],
    room: 'the bound conversation',
    description: 'A message in the conversation (text, optional media).',
    schema: Envelope.extend({
      text: z.string(),
      mediaUrl: z.string().optional(),
      messageId: Id,
      timestamp: IsoDate,
      role: z.string(),
      senderId: Id.nullable(),
      clientMessageId: z.string().nullable(),
      conversationId: Id,
    }),
  },
  status_update: {
    seeds: ['003'],
    room: 'the bound conversation',
    description: 'A message’s delivery status: sent, delivered or read.',
    schema: Envelope.extend({ messageId: Id, status: DeliveryStatus, conversationId: Id }),
  },
});
