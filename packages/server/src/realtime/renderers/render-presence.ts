import { defaultServer as D, presenceServer as P } from '@switchboard/protocol';

import type { DomainEvent, EphemeralEvent } from '../../domain/domain-event';
import { deliver, type Delivery, type Surface } from '../delivery';

const s: Surface = { ns: '/presence' };

/** The `/presence` namespace's vocabulary: a status change goes to the sockets watching that user (presence:subscribe). */
export function renderPresence(e: DomainEvent | EphemeralEvent): Delivery[] {
  switch (e.type) {
    case 'presence.changed':
      return [
        deliver(s, P['presence:update'], [{ kind: 'presence', id: e.userId }], {
          userId: e.userId,
          status: e.status,
          lastSeen: e.lastSeen,
        }),
      ];
    case 'system.maintenance':
      return [deliver(s, D['system:maintenance'], [{ kind: 'all' }], { message: e.message, startsAt: e.startsAt })];
    default:
      return [];
  }
}
