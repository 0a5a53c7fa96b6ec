import { defaultServer as S } from '@switchboard/protocol';
import type { AppSocket } from './socket-types';

const MAX_TIMEOUT = 2 ** 31 - 1;

/**
 * Enforces `exp` during a connection (001, "Token Refresh During Connection"):
 * `token:refresh` goes out `leadMs` before expiry; a socket still holding the
 * old token at `exp` gets `error { AUTH_TOKEN_EXPIRED }` and is disconnected.
 * Call again after a new token is accepted. `refresh: false` leaves out
 * `token:refresh`, for namespaces where a token is renewed by reconnecting.
 */
export function watchTokenLifetime(socket: AppSocket, leadMs: number, opts: { refresh?: boolean } = {}): void {
  clearTokenTimers(socket);
  const msLeft = socket.data.exp * 1000 - Date.now();
  const expiresAt = new Date(socket.data.exp * 1000).toISOString();
  const refreshIn = msLeft - leadMs;
  const timers: NodeJS.Timeout[] = [];
  if (opts.refresh === false) {
    // Nothing to announce ahead: 001's namespaces have no token:update.
  } else if (refreshIn > 0) {
    timers.push(setTimeout(() => socket.emit(S['token:refresh'].name, { expiresAt }), Math.min(refreshIn, MAX_TIMEOUT)));
  } else {
    socket.emit(S['token:refresh'].name, { expiresAt });
  }
  if (msLeft < MAX_TIMEOUT) {
    timers.push(
      setTimeout(() => {
        socket.emit(S.error.name, { code: 'AUTH_TOKEN_EXPIRED', message: 'The token expired; reconnect with a fresh one' });
        socket.disconnect();
      }, Math.max(0, msLeft)),
    );
  }
  for (const t of timers) t.unref();
  tokenTimers.set(socket, timers);
}

export function clearTokenTimers(socket: AppSocket): void {
  for (const t of tokenTimers.get(socket) ?? []) clearTimeout(t);
  tokenTimers.delete(socket);
}

const tokenTimers = new WeakMap<AppSocket, NodeJS.Timeout[]>();
