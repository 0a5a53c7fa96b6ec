import { dashboardServer as M, defaultServer as D } from '@switchboard/protocol';

import type { DomainEvent, EphemeralEvent } from '../../domain/domain-event';
import { deliver, type Delivery, type RoomRef, type Surface } from '../delivery';

const s: Surface = { ns: '/dashboard' };
/** Only admins connect to `/dashboard`, so its tenant room is the tenant's admins. */
const admins: RoomRef = { kind: 'tenant' };

/** The `/dashboard` namespace's vocabulary: each metric that changed, as a full snapshot. */
export function renderDashboard(e: DomainEvent | EphemeralEvent): Delivery[] {
  switch (e.type) {
    case 'metrics.updated': {
      const out: Delivery[] = [];
      if (e.tickets) out.push(deliver(s, M['metrics:tickets'], [admins], e.tickets));
      if (e.queue) out.push(deliver(s, M['metrics:queue'], [admins], e.queue));
      if (e.agents) out.push(deliver(s, M['metrics:agents'], [admins], e.agents));
      if (e.sla) out.push(deliver(s, M['metrics:sla'], [admins], e.sla));
      return out;
    }
    case 'system.maintenance':
      return [deliver(s, D['system:maintenance'], [{ kind: 'all' }], { message: e.message, startsAt: e.startsAt })];
    default:
      return [];
  }
}
