import { z } from 'zod';

import { ErrorPayload } from '../errors';
import { Id, IsoDate } from '../ids';
import { Envelope, Notification } from '../models';
import { defineEvents } from './define';

const UnreadCount = z.object({ unread: z.number().int().min(0) });

/** Client to server on the `/notifications` namespace; a socket only ever touches its own user's notifications. */
export const notificationsClient = defineEvents('notifications', 'client', {
  'notification:markRead': {
    seeds: ['001'],
    room: 'user:{userId}',
    description: 'Mark one notification read; acked with the new unread count.',
    schema: z.object({ id: Id }),
    ack: UnreadCount,
  },
  'notification:markAllRead': {
    seeds: ['001'],
    room: 'user:{userId}',
    description: 'Mark every notification read; acked with the new unread count (0).',
    schema: z.object({}).optional(),
    ack: UnreadCount,
  },
});

/** Server to client on `/notifications`; every event goes to the one user's sockets. */
export const notificationsServer = defineEvents('notifications', 'server', {
  notification: {
    seeds: ['001'],
    room: 'user:{userId}',
    description: 'A new notification (assigned, mentioned, new conversation, SLA, handoff).',
    schema: Envelope.extend(Notification.shape),
  },
  'notification:read': {
    seeds: ['001'],
    room: 'user:{userId}',
    description: 'A notification was read on one of the user’s devices; id is null and all true after markAllRead.',
    schema: Envelope.extend({ id: Id.nullable(), all: z.boolean(), readAt: IsoDate }),
  },
  'notification:count': {
    seeds: ['001'],
    room: 'user:{userId}',
    description: 'Unread count; sent on connect and after every change.',
    schema: UnreadCount,
  },
  error: {
    seeds: ['001'],
    room: 'the socket itself',
    description: 'A failed client event sent without a callback.',
    schema: ErrorPayload,
  },
});
