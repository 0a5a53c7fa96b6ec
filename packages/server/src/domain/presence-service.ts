import type { PresenceStatus, Role } from '@switchboard/protocol';
import type { PresenceRecord, PresenceStore } from '../cluster/presence-store';
import type { Db } from '../storage/db';
import { UsersRepo } from '../storage/repos/users';
import type { Publisher } from './publisher';

export interface PresenceUser {
  accountId: string;
  userId: string;
  role: Role;
  name: string | null;
}

/**
 * Presence from one source of truth, the store: connections make a user online,
 * the last one closing makes it offline and stamps last seen in the database.
 * `agent_online` / `agent_offline` and `isAgentOnline` / `getOnlineAgents` all
 * read the same state.
 */
export class PresenceService {
  constructor(
    private readonly store: PresenceStore,
    private readonly db: Db,
    private readonly publisher: Publisher,
  ) {}

  async connected(user: PresenceUser, connectionId: string): Promise<void> {
    const { first, record } = await this.store.connect(user.accountId, user.userId, connectionId);
    if (first) this.announce(user, record.status, record.lastSeen);
  }

  async disconnected(user: PresenceUser, connectionId: string): Promise<void> {
    const { last, record } = await this.store.disconnect(user.accountId, user.userId, connectionId);
    if (!last || !record) return;
    await new UsersRepo(this.db).touchLastSeen(user.accountId, user.userId, record.lastSeen);
    this.announce(user, 'offline', record.lastSeen);
  }

  /** A chosen status (online, busy, away), or offline while staying connected (002's agent_offline). */
  async setStatus(user: PresenceUser, status: PresenceStatus): Promise<PresenceRecord | null> {
    if (status === 'offline') {
      const rec = await this.store.setStatus(user.accountId, user.userId, 'away');
      this.announce(user, 'offline', rec?.lastSeen ?? new Date().toISOString());
      return rec;
    }
    const rec = await this.store.setStatus(user.accountId, user.userId, status);
    if (rec) this.announce(user, status, rec.lastSeen);
    return rec;
  }

  async status(accountId: string, userId: string): Promise<{ status: PresenceStatus; lastSeen: string | null }> {
    const rec = await this.store.get(accountId, userId);
    if (rec) return { status: rec.status, lastSeen: rec.lastSeen };
    const user = await new UsersRepo(this.db).get(accountId, userId);
    return { status: 'offline', lastSeen: user?.lastSeenAt ?? null };
  }

  async isOnline(accountId: string, userId: string): Promise<boolean> {
    return (await this.store.get(accountId, userId)) !== null;
  }

  async online(accountId: string): Promise<PresenceRecord[]> {
    return this.store.list(accountId);
  }

  private announce(user: PresenceUser, status: PresenceStatus, lastSeen: string | null): void {
    this.publisher.signal({ type: 'presence.changed', accountId: user.accountId, userId: user.userId, role: user.role, name: user.name, status, lastSeen });
  }
}
