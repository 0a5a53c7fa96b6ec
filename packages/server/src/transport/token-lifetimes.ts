import { defaultServer as S } from '@switchboard/protocol';

import { type Clock, systemClock } from '../clock';
import { DeadlineSchedule } from './deadline-schedule';
import type { AppSocket } from './socket-types';

interface Lifetime {
  /** When to send the refresh (epoch ms), or null when it went out or is not wanted. */
  refreshAt: number | null;
  expiresAt: number;
}

/** What a token's deadlines do to the connection holding it. */
export interface TokenHolders<T> {
  /** When the held token expires, epoch ms. */
  expiresAt(holder: T): number;
  /** False once the connection is gone: it gets neither a refresh nor a cut. */
  live(holder: T): boolean;
  /** Asks for a new token before `expiresAt`. */
  refresh(holder: T, expiresAt: number): void;
  /** The token ran out unrefreshed. */
  expire(holder: T): void;
}

/**
 * Enforces `exp` during a connection (token refresh during a connection): a refresh request goes
 * out `leadMs` before expiry; a holder still on the old token at `exp` is expired (cut), never
 * before. Call {@link watch} again after a new token is accepted. One schedule for every holder's
 * deadlines instead of two timers per socket.
 */
export class TokenLifetimes<T extends object> {
  private readonly lifetimes = new WeakMap<T, Lifetime>();
  private readonly schedule: DeadlineSchedule<T>;

  constructor(
    private readonly holders: TokenHolders<T>,
    private readonly leadMs: number,
    private readonly clock: Clock = systemClock,
  ) {
    this.schedule = new DeadlineSchedule<T>((holder) => this.due(holder), 250, clock);
  }

  /** `refresh: false` leaves out the refresh request, for namespaces where a token is renewed by reconnecting. */
  watch(holder: T, opts: { refresh?: boolean } = {}): void {
    const expiresAt = this.holders.expiresAt(holder);
    let refreshAt: number | null = opts.refresh === false ? null : expiresAt - this.leadMs;
    if (refreshAt !== null && refreshAt <= this.clock.now()) {
      this.holders.refresh(holder, expiresAt);
      refreshAt = null;
    }
    this.lifetimes.set(holder, { refreshAt, expiresAt });
    this.schedule.add(holder, refreshAt ?? expiresAt);
  }

  clear(holder: T): void {
    this.schedule.remove(holder);
    this.lifetimes.delete(holder);
  }

  private due(holder: T): void {
    const life = this.lifetimes.get(holder);
    if (!life || !this.holders.live(holder)) return;
    if (life.refreshAt !== null && this.clock.now() < life.expiresAt) {
      life.refreshAt = null;
      this.holders.refresh(holder, life.expiresAt);
      this.schedule.add(holder, life.expiresAt);
      return;
    }
    this.lifetimes.delete(holder);
    this.holders.expire(holder);
  }
}

/** Token lifetimes of sockets: `token:refresh` before expiry, `error { AUTH_TOKEN_EXPIRED }` and a disconnect at it. */
export function socketTokenLifetimes(leadMs: number, clock?: Clock): TokenLifetimes<AppSocket> {
  return new TokenLifetimes<AppSocket>(
    {
      expiresAt: (socket) => socket.data.exp * 1000,
      live: (socket) => socket.connected,
      refresh: (socket, expiresAt) => socket.emit(S['token:refresh'].name, { expiresAt: new Date(expiresAt).toISOString() }),
      expire: (socket) => {
        socket.emit(S.error.name, { code: 'AUTH_TOKEN_EXPIRED', message: 'The token expired; reconnect with a fresh one' });
        socket.disconnect();
      },
    },
    leadMs,
    clock,
  );
}
