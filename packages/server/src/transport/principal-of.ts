import type { Principal } from '../auth/principal';
import type { AppSocket } from './socket-types';

export function applyPrincipal(socket: AppSocket, p: Principal): void {
  Object.assign(socket.data, {
    authenticated: true,
    userId: p.userId,
    accountId: p.accountId,
    email: p.email,
    name: p.name,
    role: p.role,
    teamIds: p.teamIds,
    exp: p.exp,
  });
  socket.data.conversations ??= [];
}

export function principalOf(socket: AppSocket): Principal {
  const d = socket.data;
  return { userId: d.userId, accountId: d.accountId, role: d.role, email: d.email, name: d.name, teamIds: d.teamIds, exp: d.exp };
}
