import { defaultServer as D, notificationsServer as N } from '@switchboard/protocol';

import type { DomainEvent, EphemeralEvent } from '../../domain/domain-event';
import { deliver, type Delivery, type Surface } from '../delivery';

const s: Surface = { ns: '/notifications' };

/**
 * The `/notifications` namespace's vocabulary. Everything goes to the one user's
 * room, so all of that user's tabs move together; each change carries the new
 * unread count as `notification:count`.
 */
export function renderNotifications(e: DomainEvent | EphemeralEvent): Delivery[] {
  switch (e.type) {
    case 'notification.created': {
      const to = [{ kind: 'user' as const, id: e.notification.userId }];
      return [deliver(s, N.notification, to, e.notification), deliver(s, N['notification:count'], to, { unread: e.unread })];
    }
    case 'notification.read': {
      const to = [{ kind: 'user' as const, id: e.userId }];
      // Logged events carry when they were stored; that is when the notifications were read.
      const readAt = ('createdAt' in e && typeof e.createdAt === 'string' ? e.createdAt : undefined) ?? new Date().toISOString();
      const [only] = e.ids;
      const read = e.ids.length === 1 && only ? { id: only, all: false, readAt } : { id: null, all: true, readAt };
      return [deliver(s, N['notification:read'], to, read), deliver(s, N['notification:count'], to, { unread: e.unread })];
    }
    case 'system.maintenance':
      return [deliver(s, D['system:maintenance'], [{ kind: 'all' }], { message: e.message, startsAt: e.startsAt })];
    default:
      return [];
  }
}
