import type { PresenceStatus, Role } from '@switchboard/protocol';

import type { Publisher } from './publisher';

export interface PresenceUser {
  accountId: string;
  userId: string;
  role: Role;
  name: string | null;
}

interface Move {
  user: PresenceUser;
  /** What everyone was told before the window opened. */
  from: PresenceStatus;
  to: PresenceStatus;
  lastSeen: string | null;
}

/**
 * Tells everyone about presence moves, coalesced per tenant: the moves of one
 * window (`windowMs`) go out together as one net change per user, and a user
 * who ends the window where it started (online → busy → online) is not
 * announced at all. Each move carries what was true before it (`from`), so
 * the net change does not depend on which node announced what before.
 * `windowMs` 0 announces each real move at once.
 */
export class PresenceAnnouncer {
  private readonly windows = new Map<string, { moves: Map<string, Move>; timer: NodeJS.Timeout; read: boolean }>();

  constructor(
    private readonly publisher: Publisher,
    private readonly windowMs: number,
  ) {}

  move(user: PresenceUser, from: PresenceStatus, to: PresenceStatus, lastSeen: string | null): void {
    if (this.windowMs <= 0) {
      if (from !== to) this.publish({ user, from, to, lastSeen });
      return;
    }
    let w = this.windows.get(user.accountId);
    if (!w) {
      const timer = setTimeout(() => this.flush(user.accountId), this.windowMs);
      timer.unref();
      w = { moves: new Map(), timer, read: false };
      this.windows.set(user.accountId, w);
    }
    const earlier = w.moves.get(user.userId);
    w.moves.set(user.userId, { user, from: earlier ? earlier.from : from, to, lastSeen });
  }

  /**
   * Someone read the tenant's presence from the store (a snapshot, presence:subscribe) while moves
   * were pending: it may have seen a state in the middle of the window, so this window's users are
   * announced with their final state even where it equals the start.
   */
  read(accountId: string): void {
    const w = this.windows.get(accountId);
    if (w) w.read = true;
  }

  /** Sends what is pending now (the node is closing). */
  close(): void {
    for (const accountId of [...this.windows.keys()]) this.flush(accountId);
  }

  private flush(accountId: string): void {
    const w = this.windows.get(accountId);
    if (!w) return;
    this.windows.delete(accountId);
    clearTimeout(w.timer);
    for (const m of w.moves.values()) if (w.read || m.from !== m.to) this.publish(m);
  }

  private publish({ user, to, lastSeen }: Move): void {
    this.publisher.signal({
      type: 'presence.changed',
      accountId: user.accountId,
      userId: user.userId,
      role: user.role,
      name: user.name,
      status: to,
      lastSeen,
    });
  }
}
