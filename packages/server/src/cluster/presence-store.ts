import { isStaff, type PresenceStatus, type Role } from '@switchboard/protocol';

export interface PresenceRecord {
  accountId: string;
  userId: string;
  /**
   * The status the user chose; shown while at least one connection is open (or the user is leaving,
   * inside the grace). `offline` while connected is "appear offline": everyone reads offline.
   */
  status: PresenceStatus;
  /** Live connections; 0 while the user is leaving (last connection closed, grace not over). */
  connections: number;
  lastSeen: string;
  /** Who the user is, kept so whichever node notices an expiry can announce it. */
  role?: Role;
  name?: string | null;
}

export interface PresenceProfile {
  role: Role;
  name: string | null;
}

export interface PresenceConnection {
  accountId: string;
  userId: string;
  connectionId: string;
}

export interface PresenceStoreOptions {
  /** A connection not refreshed by {@link PresenceStore.heartbeat} within this long is gone (its node died). */
  connectionTtlMs: number;
  /** How long the record (chosen status, last seen) outlives the user's last activity; one hour by default. */
  recordTtlMs: number;
  /**
   * How long a user whose last connection closed still counts as online (leaving): a connection
   * inside it resumes the user without a word; after it {@link PresenceStore.settle} or a sweep
   * hands the user out, once, to be announced offline. 0: offline at once.
   */
  graceMs?: number;
  /** The clock, in ms; tests move it. */
  now?: () => number;
}

export const DEFAULT_PRESENCE_OPTIONS: Required<Omit<PresenceStoreOptions, 'now'>> = {
  connectionTtlMs: 30_000,
  recordTtlMs: 60 * 60_000,
  graceMs: 0,
};

/**
 * Who is connected, per connection, aggregated per user: a user is online while
 * any of its connections is open (several tabs count once), and for the grace
 * after the last one closed (leaving). Each node refreshes its own connections;
 * those of a node that died expire, and {@link sweep} hands each user who went
 * offline that way (or whose grace ran out unsettled) to exactly one node, which
 * announces it. Memory here; Redis across nodes (redis-presence-store.ts).
 */
export interface PresenceStore {
  /** `first`: the user was offline before this connection (not online, not leaving): announce it. */
  connect(
    accountId: string,
    userId: string,
    connectionId: string,
    profile?: PresenceProfile,
  ): Promise<{ first: boolean; record: PresenceRecord }>;
  /**
   * `last`: this call took the user's last live connection away, and only this call says so; the user
   * is now leaving until the grace ends, when the caller {@link settle}s it.
   */
  disconnect(accountId: string, userId: string, connectionId: string): Promise<{ last: boolean; record: PresenceRecord | null }>;
  /** A leaving user whose grace is over and who did not come back: offline now. Returned once across nodes. */
  settle(accountId: string, userId: string): Promise<PresenceRecord | null>;
  /**
   * Remembers a chosen status even while the user is away. `record`: the user is online (or leaving);
   * `previous`: the status chosen before this call.
   */
  setStatus(
    accountId: string,
    userId: string,
    status: PresenceStatus,
  ): Promise<{ previous: PresenceStatus; record: PresenceRecord | null }>;
  get(accountId: string, userId: string): Promise<PresenceRecord | null>;
  list(accountId: string): Promise<PresenceRecord[]>;
  /** Staff online now (or leaving) and the status each chose: a cheap snapshot for every new connection. */
  statuses(accountId: string): Promise<Record<string, PresenceStatus>>;
  /** Keeps this node's open connections alive (and puts them back after the store lost them). */
  heartbeat(connections: readonly PresenceConnection[]): Promise<void>;
  /** Users whose last connection expired without a disconnect; each is returned once across all nodes. */
  sweep(): Promise<PresenceRecord[]>;
  close(): Promise<void>;
}

interface UserState {
  accountId: string;
  userId: string;
  /** connection id -> expiry (ms) */
  ids: Map<string, number>;
  status: PresenceStatus;
  lastSeen: number;
  /** Set while leaving: the end of the grace (ms). */
  leavingUntil: number | null;
  /** The record's own expiry: chosen status and last seen are forgotten after it. */
  expiresAt: number;
  role?: Role;
  name?: string | null;
}

export class MemoryPresenceStore implements PresenceStore {
  /** By account, then user: list() and statuses() walk one tenant, not all of them. */
  private readonly accounts = new Map<string, Map<string, UserState>>();
  private readonly opts: Required<PresenceStoreOptions>;

  constructor(opts: Partial<PresenceStoreOptions> = {}) {
    this.opts = { ...DEFAULT_PRESENCE_OPTIONS, now: Date.now, ...opts };
  }

  async connect(accountId: string, userId: string, connectionId: string, profile?: PresenceProfile) {
    const now = this.opts.now();
    const u = this.user(accountId, userId, now);
    // Leaving, or connections of a dead node that no sweep reported yet: the user comes back rather than goes.
    const first = u.ids.size === 0 && u.leavingUntil === null;
    prune(u, now);
    u.leavingUntil = null;
    u.ids.set(connectionId, now + this.opts.connectionTtlMs);
    if (profile) Object.assign(u, profile);
    this.touch(u, now);
    return { first, record: this.view(u, now) };
  }

  async disconnect(accountId: string, userId: string, connectionId: string) {
    const now = this.opts.now();
    const u = this.find(accountId, userId);
    if (!u || !u.ids.delete(connectionId)) return { last: false, record: null };
    prune(u, now);
    this.touch(u, now);
    const last = u.ids.size === 0;
    if (last) u.leavingUntil = now + this.opts.graceMs;
    return { last, record: this.view(u, now) };
  }

  async settle(accountId: string, userId: string) {
    const now = this.opts.now();
    const u = this.find(accountId, userId);
    if (!u || u.leavingUntil === null || u.leavingUntil > now) return null;
    prune(u, now);
    if (u.ids.size > 0) return null;
    u.leavingUntil = null;
    return this.view(u, now);
  }

  async setStatus(accountId: string, userId: string, status: PresenceStatus) {
    const now = this.opts.now();
    const u = this.user(accountId, userId, now);
    const previous = u.status;
    u.status = status;
    this.touch(u, now);
    return { previous, record: this.online(u, now) ? this.view(u, now) : null };
  }

  async get(accountId: string, userId: string) {
    const now = this.opts.now();
    const u = this.find(accountId, userId);
    return u && this.online(u, now) ? this.view(u, now) : null;
  }

  async list(accountId: string) {
    const now = this.opts.now();
    return [...(this.accounts.get(accountId)?.values() ?? [])].filter((u) => this.online(u, now)).map((u) => this.view(u, now));
  }

  async statuses(accountId: string) {
    const now = this.opts.now();
    // A dictionary from the start (no prototype): user ids as keys would each add a hidden class (presence-service.ts).
    const out = Object.create(null) as Record<string, PresenceStatus>;
    for (const u of this.accounts.get(accountId)?.values() ?? [])
      if (u.role && isStaff(u.role) && this.online(u, now)) out[u.userId] = u.status;
    return out;
  }

  async heartbeat(connections: readonly PresenceConnection[]) {
    const now = this.opts.now();
    for (const c of connections) {
      const u = this.user(c.accountId, c.userId, now);
      u.ids.set(c.connectionId, now + this.opts.connectionTtlMs);
      u.leavingUntil = null;
      this.touch(u, now);
    }
  }

  async sweep() {
    const now = this.opts.now();
    const gone: PresenceRecord[] = [];
    for (const [k, u] of [...this.accounts.values()].flatMap((m) => [...m])) {
      if (u.ids.size > 0 && this.live(u, now) === 0) {
        u.ids.clear();
        gone.push(this.view(u, now));
      } else if (u.ids.size === 0 && u.leavingUntil !== null && u.leavingUntil <= now) {
        // Its node did not settle it (died, or its timer was late).
        u.leavingUntil = null;
        gone.push(this.view(u, now));
      }
      if (u.ids.size === 0 && u.leavingUntil === null && u.expiresAt <= now) this.forget(u.accountId, k);
    }
    return gone;
  }

  async close() {}

  private user(accountId: string, userId: string, now: number): UserState {
    let u = this.find(accountId, userId);
    if (u && u.ids.size === 0 && (u.leavingUntil ?? 0) <= now && u.expiresAt <= now) u = undefined;
    if (!u) {
      u = {
        accountId,
        userId,
        ids: new Map(),
        status: 'online',
        lastSeen: now,
        expiresAt: now + this.opts.recordTtlMs,
        leavingUntil: null,
      };
      let users = this.accounts.get(accountId);
      if (!users) this.accounts.set(accountId, (users = new Map<string, UserState>()));
      users.set(userId, u);
    }
    return u;
  }

  private find(accountId: string, userId: string): UserState | undefined {
    return this.accounts.get(accountId)?.get(userId);
  }

  private forget(accountId: string, userId: string): void {
    const users = this.accounts.get(accountId);
    users?.delete(userId);
    if (users?.size === 0) this.accounts.delete(accountId);
  }

  private touch(u: UserState, now: number): void {
    u.lastSeen = now;
    u.expiresAt = now + this.opts.recordTtlMs;
  }

  /** Online as everyone was told: a live connection, or leaving inside the grace. */
  private online(u: UserState, now: number): boolean {
    return this.live(u, now) > 0 || (u.ids.size === 0 && u.leavingUntil !== null && u.leavingUntil > now);
  }

  /** Live connections; expired ones stay until a connect, a disconnect or sweep() deals with them. */
  private live(u: UserState, now: number): number {
    let n = 0;
    for (const expiry of u.ids.values()) if (expiry > now) n++;
    return n;
  }

  private view(u: UserState, now: number): PresenceRecord {
    const rec: PresenceRecord = {
      accountId: u.accountId,
      userId: u.userId,
      status: u.status,
      connections: this.live(u, now),
      lastSeen: new Date(u.lastSeen).toISOString(),
    };
    if (u.role) rec.role = u.role;
    if (u.name !== undefined) rec.name = u.name;
    return rec;
  }
}

function prune(u: UserState, now: number): void {
  for (const [id, expiry] of u.ids) if (expiry <= now) u.ids.delete(id);
}
