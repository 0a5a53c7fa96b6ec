import { z } from 'zod';

import { PresenceStatus } from '../enums';
import { ErrorPayload } from '../errors';
import { Id } from '../ids';
import { Envelope, PresenceEntry } from '../models';
import { defineEvents } from './define';

/** Most users one presence:subscribe may name, so one event cannot fan out without bound. */
export const MAX_PRESENCE_USER_IDS = 200;

const UserIds = z.object({ userIds: z.array(Id).min(1).max(MAX_PRESENCE_USER_IDS) });

/** Client to server on the `/presence` namespace. */
export const presenceClient = defineEvents('presence', 'client', {
  'presence:status': {
    seeds: ['001'],
    room: 'presence:{userId} watchers; tenant staff on / (agent_online, agent_offline)',
    description: 'Set one’s own status; offline while connected means appear offline.',
    schema: z.object({ status: PresenceStatus }),
  },
  'presence:subscribe': {
    seeds: ['001'],
    room: 'joins presence:{userId} for each user of the same tenant',
    description:
      'Watch users; answered by presence:list and acked with the same entries. Ids that are not users of your tenant are dropped.',
    schema: UserIds,
    ack: z.array(PresenceEntry),
  },
  'presence:unsubscribe': {
    seeds: ['001'],
    room: 'leaves presence:{userId} for each user',
    description: 'Stop watching users.',
    schema: UserIds,
  },
});

/** Server to client on `/presence`. */
export const presenceServer = defineEvents('presence', 'server', {
  'presence:update': {
    seeds: ['001'],
    room: 'presence:{userId} watchers (presence:subscribe)',
    description: 'A user’s status changed.',
    schema: Envelope.extend(PresenceEntry.shape),
  },
  'presence:list': {
    seeds: ['001'],
    room: 'the subscribing socket',
    description: 'Current status of the users just subscribed to (users of the tenant not connected are offline).',
    schema: z.array(PresenceEntry),
  },
  error: {
    seeds: ['001'],
    room: 'the socket itself',
    description: 'A failed client event sent without a callback.',
    schema: ErrorPayload,
  },
});
