import type { PresenceStatus } from '@switchboard/protocol';

import type { PresenceConnection, PresenceRecord, PresenceStore } from '../cluster/presence-store';
import type { Db } from '../storage/db';
import { UsersRepo } from '../storage/repos/users';
import { PresenceAnnouncer, type PresenceUser } from './presence-announcer';
import type { Publisher } from './publisher';

export type { PresenceUser } from './presence-announcer';

export interface PresenceTiming {
  /** The store's grace: how long after its last connection closed a user is settled (announced offline). */
  graceMs: number;
  /** Coalescing window per tenant (presence-announcer.ts). */
  coalesceMs: number;
  /**
   * This node makes every presence move (one node, no cluster): a tenant's snapshot then changes only
   * through a move this service sees, so it is kept until the next one. In a reconnect storm (every
   * agent back within the grace: no move) each staff connection reused it instead of walking the
   * tenant's records (O(n) per handshake, O(n²) per storm). Not with other nodes, whose moves this
   * one does not see.
   */
  keepSnapshots?: boolean;
}

/**
 * Presence from one source of truth, the store: connections make a user online;
 * the last one closing makes it leaving, and offline (last seen stamped in the
 * database) once the grace passed without a new connection, so a reconnect
 * inside the grace is no news. `agent_online` / `agent_offline`,
 * `presence:update`, `presence:subscribe` and `isAgentOnline` /
 * `getOnlineAgents` all read the same state; a chosen `offline` reads offline
 * everywhere (appear offline).
 */
export class PresenceService {
  /** This node's open connections, refreshed in the store by {@link startHeartbeat}. */
  private readonly local = new Map<string, PresenceConnection>();
  private heartbeat: NodeJS.Timeout | null = null;
  private beating: Promise<void> | null = null;
  /** Users this node saw leave, by account and user: settled when their grace ends. */
  private readonly leaving = new Map<string, NodeJS.Timeout>();
  private readonly announcer: PresenceAnnouncer;
  /** Each tenant's snapshot until its next move (`keepSnapshots`). Shared by every caller: never mutated. */
  private readonly snapshots = new Map<string, Readonly<Record<string, PresenceStatus>>>();
  /** Moves so far: a snapshot read while one happened is not kept (it may predate the move). */
  private moves = 0;

  constructor(
    private readonly store: PresenceStore,
    private readonly db: Db,
    publisher: Publisher,
    /** Store failures (Redis away). Presence then degrades instead of failing the connection. */
    private readonly onError: (err: unknown) => void = () => undefined,
    private readonly timing: PresenceTiming = { graceMs: 0, coalesceMs: 0 },
  ) {
    this.announcer = new PresenceAnnouncer(publisher, timing.coalesceMs);
  }

  /**
   * A connection opened. If the store is away the user is announced online anyway (at worst twice),
   * and the heartbeat registers the connection once the store is back.
   */
  async connected(user: PresenceUser, connectionId: string): Promise<void> {
    this.local.set(connectionId, { accountId: user.accountId, userId: user.userId, connectionId });
    try {
      const { first, record } = await this.store.connect(user.accountId, user.userId, connectionId, { role: user.role, name: user.name });
      if (first) this.moved(user, 'offline', record.status, record.lastSeen);
    } catch (err) {
      this.onError(err);
      this.moved(user, 'offline', 'online', new Date().toISOString());
    }
  }

  /**
   * A connection closed. The user's last one makes it leaving: settled after the grace, here, or by
   * any node's sweep if this one dies first. If the store is away, the connection expires there and
   * a sweep announces the user.
   */
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
    if (this.timing.graceMs <= 0) return this.settle(user);
    const k = `${user.accountId}\u0000${user.userId}`;
    clearTimeout(this.leaving.get(k));
    // A little past the grace: the store compares with its own clock.
    const timer = setTimeout(() => {
      this.leaving.delete(k);
      this.settle(user).catch(this.onError);
    }, this.timing.graceMs + 20);
    timer.unref();
    this.leaving.set(k, timer);
  }

  private async settle(user: PresenceUser): Promise<void> {
    const rec = await this.store.settle(user.accountId, user.userId);
    if (rec) await this.wentOffline(user, rec);
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

  /** Stops the heartbeat and the grace timers (their users are left to the other nodes' sweeps), sends pending moves. */
  async stopHeartbeat(): Promise<void> {
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = null;
    for (const timer of this.leaving.values()) clearTimeout(timer);
    this.leaving.clear();
    await this.beating;
    this.announcer.close();
  }

  /** One heartbeat round; public for tests. */
  async beat(): Promise<void> {
    await this.store.heartbeat([...this.local.values()]);
    for (const rec of await this.store.sweep()) {
      await this.wentOffline({ accountId: rec.accountId, userId: rec.userId, role: rec.role ?? 'agent', name: rec.name ?? null }, rec);
    }
  }

  /**
   * A chosen status: online, busy, away, or offline while staying connected ("appear offline",
   * announced as agent_offline), which everyone then reads as offline. Kept across reconnects.
   */
  async setStatus(user: PresenceUser, status: PresenceStatus): Promise<PresenceRecord | null> {
    const { previous, record } = await this.store.setStatus(user.accountId, user.userId, status);
    if (record) this.moved(user, previous, status, record.lastSeen);
    return record;
  }

  async status(accountId: string, userId: string): Promise<{ status: PresenceStatus; lastSeen: string | null }> {
    this.announcer.read(accountId);
    const rec = await this.store.get(accountId, userId);
    if (rec) return { status: rec.status, lastSeen: rec.lastSeen };
    const user = await new UsersRepo(this.db).get(accountId, userId);
    return { status: 'offline', lastSeen: user?.lastSeenAt ?? null };
  }

  async isOnline(accountId: string, userId: string): Promise<boolean> {
    const rec = await this.store.get(accountId, userId);
    return rec !== null && rec.status !== 'offline';
  }

  /** Who everyone is told is online now (a chosen offline is offline): the snapshot a new client starts from. */
  async online(accountId: string): Promise<PresenceRecord[]> {
    return (await this.store.list(accountId)).filter((r) => r.status !== 'offline');
  }

  /** Staff online now and the status each chose, without the ones who chose to appear offline; null while the store is away. */
  async snapshot(accountId: string): Promise<Readonly<Record<string, PresenceStatus>> | null> {
    let all: Record<string, PresenceStatus>;
    this.announcer.read(accountId);
    const kept = this.snapshots.get(accountId);
    if (kept) return kept;
    const movesBefore = this.moves;
    try {
      all = await this.store.statuses(accountId);
    } catch (err) {
      this.onError(err);
      return null;
    }
    // Built afresh rather than deleted from. Without a prototype V8 keeps it as a dictionary from the
    // start: user ids as property names would otherwise each add a hidden class to a chain the heap
    // keeps (measured: ~3 per connection in a tenant of 2,000 agents; docs/decisions.md).
    const shown = Object.create(null) as Record<string, PresenceStatus>;
    for (const userId in all) if (all[userId] !== 'offline') shown[userId] = all[userId]!;
    if (this.timing.keepSnapshots && this.moves === movesBefore) this.snapshots.set(accountId, shown);
    return shown;
  }

  /** Every move goes out through the announcer, and ends the tenant's kept snapshot. */
  private moved(user: PresenceUser, from: PresenceStatus, to: PresenceStatus, lastSeen: string | null): void {
    this.moves++;
    this.snapshots.delete(user.accountId);
    this.announcer.move(user, from, to, lastSeen);
  }

  private async wentOffline(user: PresenceUser, rec: PresenceRecord): Promise<void> {
    await new UsersRepo(this.db).touchLastSeen(user.accountId, user.userId, rec.lastSeen);
    // A user who chose offline was announced offline then: nothing moves now.
    this.moved(user, rec.status, 'offline', rec.lastSeen);
  }
}
