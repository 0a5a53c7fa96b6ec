import type { PresenceStatus, Role } from '@switchboard/protocol';
import type { PresenceConnection, PresenceRecord, PresenceStore } from '../cluster/presence-store';
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
  /** This node's open connections, refreshed in the store by {@link startHeartbeat}. */
  private readonly local = new Map<string, PresenceConnection>();
  private heartbeat: NodeJS.Timeout | null = null;
  private beating: Promise<void> | null = null;

  constructor(
    private readonly store: PresenceStore,
    private readonly db: Db,
    private readonly publisher: Publisher,
    /** Store failures (Redis away). Presence then degrades instead of failing the connection. */
    private readonly onError: (err: unknown) => void = () => undefined,
  ) {}

  /**
   * A connection opened. If the store is away the user is announced online anyway (at worst twice),
   * and the heartbeat registers the connection once the store is back.
   */
  async connected(user: PresenceUser, connectionId: string): Promise<void> {
    this.local.set(connectionId, { accountId: user.accountId, userId: user.userId, connectionId });
    try {
      const { first, record } = await this.store.connect(user.accountId, user.userId, connectionId, { role: user.role, name: user.name });
      if (first) this.announce(user, record.status, record.lastSeen);
    } catch (err) {
      this.onError(err);
      this.announce(user, 'online', new Date().toISOString());
    }
  }

  /** A connection closed. If the store is away, the connection expires there and a sweep announces the user. */
  async disconnected(user: PresenceUser, connectionId: string): Promise<void> {
    this.local.delete(connectionId);
    let outcome: Awaited<ReturnType<PresenceStore['disconnect']>>;
    try {
      outcome = await this.store.disconnect(user.accountId, user.userId, connectionId);
    } catch (err) {
      this.onError(err);
      return;
    }
    if (!outcome.last || !outcome.record) return;
    await this.wentOffline(user, outcome.record.lastSeen);
  }

  /**
   * Every `everyMs`: refreshes this node's connections in the store, and announces offline the users
   * whose connections all expired (their node died). Any node may notice an expiry; the store hands
   * each to one. `onError` hears failed rounds (the store is away); the next round tries again.
   */
  startHeartbeat(everyMs: number, onError: (err: unknown) => void): void {
    if (this.heartbeat) return;
    this.heartbeat = setInterval(() => {
      if (this.beating) return;
      this.beating = this.beat()
        .catch(onError)
        .finally(() => (this.beating = null));
    }, everyMs);
    this.heartbeat.unref();
  }

  async stopHeartbeat(): Promise<void> {
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = null;
    await this.beating;
  }

  /** One heartbeat round; public for tests. */
  async beat(): Promise<void> {
    await this.store.heartbeat([...this.local.values()]);
    for (const rec of await this.store.sweep()) {
      await this.wentOffline({ accountId: rec.accountId, userId: rec.userId, role: rec.role ?? 'agent', name: rec.name ?? null }, rec.lastSeen);
    }
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

  private async wentOffline(user: PresenceUser, lastSeen: string): Promise<void> {
    await new UsersRepo(this.db).touchLastSeen(user.accountId, user.userId, lastSeen);
    this.announce(user, 'offline', lastSeen);
  }

  private announce(user: PresenceUser, status: PresenceStatus, lastSeen: string | null): void {
    this.publisher.signal({ type: 'presence.changed', accountId: user.accountId, userId: user.userId, role: user.role, name: user.name, status, lastSeen });
  }
}
