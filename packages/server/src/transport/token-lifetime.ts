import { defaultServer as S } from '@switchboard/protocol';

import { DeadlineSchedule } from './deadline-schedule';
import type { AppSocket } from './socket-types';

interface Lifetime {
  /** When to send `token:refresh` (epoch ms), or null when it went out or is not wanted. */
  refreshAt: number | null;
  expiresAt: number;
}

const lifetimes = new WeakMap<AppSocket, Lifetime>();

/** One schedule for every socket's token deadlines instead of two timers per socket. */
const schedule = new DeadlineSchedule<AppSocket>(due);

/**
 * Enforces `exp` during a connection (token refresh during a connection):
 * `token:refresh` goes out `leadMs` before expiry; a socket still holding the
 * old token at `exp` gets `error { AUTH_TOKEN_EXPIRED }` and is disconnected.
 * Call again after a new token is accepted. `refresh: false` leaves out
 * `token:refresh`, for namespaces where a token is renewed by reconnecting.
 */
export function watchTokenLifetime(socket: AppSocket, leadMs: number, opts: { refresh?: boolean } = {}): void {
  const expiresAt = socket.data.exp * 1000;
  let refreshAt: number | null = opts.refresh === false ? null : expiresAt - leadMs;
  if (refreshAt !== null && refreshAt <= Date.now()) {
    announceRefresh(socket, expiresAt);
    refreshAt = null;
  }
  lifetimes.set(socket, { refreshAt, expiresAt });
  schedule.add(socket, refreshAt ?? expiresAt);
}

export function clearTokenTimers(socket: AppSocket): void {
  schedule.remove(socket);
  lifetimes.delete(socket);
}

function due(socket: AppSocket): void {
  const life = lifetimes.get(socket);
  if (!life || !socket.connected) return;
  if (life.refreshAt !== null && Date.now() < life.expiresAt) {
    life.refreshAt = null;
    announceRefresh(socket, life.expiresAt);
    schedule.add(socket, life.expiresAt);
    return;
  }
  lifetimes.delete(socket);
  socket.emit(S.error.name, { code: 'AUTH_TOKEN_EXPIRED', message: 'The token expired; reconnect with a fresh one' });
  socket.disconnect();
}

function announceRefresh(socket: AppSocket, expiresAt: number): void {
  socket.emit(S['token:refresh'].name, { expiresAt: new Date(expiresAt).toISOString() });
}
