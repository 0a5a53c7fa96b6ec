import { dashboardServer as S } from '@switchboard/protocol';

import { toErrorPayload } from '../errors';
import type { Services } from '../services';
import type { AppIo, AppSocket } from '../transport/socket-types';
import { openNamespace } from './namespace-session';

/**
 * `/dashboard`, admins only (anyone else is refused at connect with
 * FORBIDDEN). Listen-only: every metric on connect, then each as it changes.
 */
export function attachDashboardNamespace(services: Services, io: AppIo): void {
  const nsp = openNamespace(services, io, 'dashboard', null);
  nsp.on('connection', (socket: AppSocket) => {
    const accountId = socket.data.accountId;
    socket.on('disconnect', services.dashboard.watch(accountId));
    services.dashboard.snapshot(accountId).then(
      (m) => {
        socket.emit(S['metrics:tickets'].name, m.tickets);
        socket.emit(S['metrics:queue'].name, m.queue);
        socket.emit(S['metrics:agents'].name, m.agents);
        socket.emit(S['metrics:sla'].name, m.sla);
      },
      (err) => socket.emit(S.error.name, toErrorPayload(err, services.log, 'dashboard snapshot')),
    );
  });
}
