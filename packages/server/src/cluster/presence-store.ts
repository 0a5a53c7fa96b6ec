import type { PresenceStatus, Role } from '@switchboard/protocol';

export interface PresenceRecord {
  accountId: string;
  userId: string;
  /** The status the user chose; shown while at least one connection is open. */
  status: Exclude<PresenceStatus, 'offline'>;
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
  /** How long the record (chosen status, last seen) outlives the user's last activity; 002: one hour. */
  recordTtlMs: number;
  /** The clock, in ms; tests move it. */
  now?: () => number;
}

export const DEFAULT_PRESENCE_OPTIONS: PresenceStoreOptions = { connectionTtlMs: 30_000, recordTtlMs: 60 * 60_000 };

/**
 * Who is connected, per connection, aggregated per user: a user is online while
 * any of its connections is open (several tabs count once). Each node refreshes
 * its own connections; those of a node that died expire, and {@link sweep}
 * hands each user who went offline that way to exactly one node, which
 * announces it. Memory here; Redis across nodes (redis-presence-store.ts).
 */
export interface PresenceStore {
  /** `first`: the user had no live connection before this one. */
  connect(accountId: string, userId: string, connectionId: string, profile?: PresenceProfile): Promise<{ first: boolean; record: PresenceRecord }>;
  /** `last`: this call took the user's last live connection away, and only this call says so. */
  disconnect(accountId: string, userId: string, connectionId: string): Promise<{ last: boolean; record: PresenceRecord | null }>;
  /** Remembers a chosen status even while the user is away; returns the record while the user is online. */
  setStatus(accountId: string, userId: string, status: PresenceRecord['status']): Promise<PresenceRecord | null>;
  get(accountId: string, userId: string): Promise<PresenceRecord | null>;
  list(accountId: string): Promise<PresenceRecord[]>;
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
  status: PresenceRecord['status'];
  lastSeen: number;
  /** The record's own expiry: chosen status and last seen are forgotten after it. */
  expiresAt: number;
  role?: Role;
  name?: string | null;
}

export class MemoryPresenceStore implements PresenceStore {
  private readonly users = new Map<string, UserState>();
  private readonly opts: Required<PresenceStoreOptions>;

  constructor(opts: Partial<PresenceStoreOptions> = {}) {
    this.opts = { ...DEFAULT_PRESENCE_OPTIONS, now: Date.now, ...opts };
  }

  async connect(accountId: string, userId: string, connectionId: string, profile?: PresenceProfile) {
    const now = this.opts.now();
    const u = this.user(accountId, userId, now);
    // Connections of a dead node that no sweep reported yet: the user comes back rather than goes.
    prune(u, now);
    const first = u.ids.size === 0;
    u.ids.set(connectionId, now + this.opts.connectionTtlMs);
    if (profile) Object.assign(u, profile);
    this.touch(u, now);
    return { first, record: this.view(u, now) };
  }

  async disconnect(accountId: string, userId: string, connectionId: string) {
    const now = this.opts.now();
    const u = this.users.get(key(accountId, userId));
    if (!u || !u.ids.delete(connectionId)) return { last: false, record: null };
    prune(u, now);
    this.touch(u, now);
    return { last: u.ids.size === 0, record: this.view(u, now) };
  }

  async setStatus(accountId: string, userId: string, status: PresenceRecord['status']) {
    const now = this.opts.now();
    const u = this.user(accountId, userId, now);
    u.status = status;
    this.touch(u, now);
    return this.live(u, now) > 0 ? this.view(u, now) : null;
  }

  async get(accountId: string, userId: string) {
    const now = this.opts.now();
    const u = this.users.get(key(accountId, userId));
    return u && this.live(u, now) > 0 ? this.view(u, now) : null;
  }

  async list(accountId: string) {
    const now = this.opts.now();
    return [...this.users.values()].filter((u) => u.accountId === accountId && this.live(u, now) > 0).map((u) => this.view(u, now));
  }

  async heartbeat(connections: readonly PresenceConnection[]) {
    const now = this.opts.now();
    for (const c of connections) {
      const u = this.user(c.accountId, c.userId, now);
      u.ids.set(c.connectionId, now + this.opts.connectionTtlMs);
      this.touch(u, now);
    }
  }

  async sweep() {
    const now = this.opts.now();
    const gone: PresenceRecord[] = [];
    for (const [k, u] of this.users) {
      if (u.ids.size > 0 && this.live(u, now) === 0) {
        u.ids.clear();
        gone.push(this.view(u, now));
      }
      if (u.ids.size === 0 && u.expiresAt <= now) this.users.delete(k);
    }
    return gone;
  }

  async close() {}

  private user(accountId: string, userId: string, now: number): UserState {
    const k = key(accountId, userId);
    let u = this.users.get(k);
    if (u && u.ids.size === 0 && u.expiresAt <= now) u = undefined;
    if (!u) {
      u = { accountId, userId, ids: new Map(), status: 'online', lastSeen: now, expiresAt: now + this.opts.recordTtlMs };
      this.users.set(k, u);
    }
    return u;
  }

  private touch(u: UserState, now: number): void {
    u.lastSeen = now;
    u.expiresAt = now + this.opts.recordTtlMs;
  }

  /** Live connections; expired ones stay until a connect, a disconnect or sweep() deals with them. */
  private live(u: UserState, now: number): number {
    let n = 0;
    for (const expiry of u.ids.values()) if (expiry > now) n++;
    return n;
  }

  private view(u: UserState, now: number): PresenceRecord {
    const rec: PresenceRecord = {
      accountId: u.accountId, userId: u.userId, status: u.status, connections: this.live(u, now), lastSeen: new Date(u.lastSeen).toISOString(),
    };
    if (u.role) rec.role = u.role;
    if (u.name !== undefined) rec.name = u.name;
    return rec;
  }
}

const key = (accountId: string, userId: string) => `${accountId}\u0000${userId}`;

function prune(u: UserState, now: number): void {
  for (const [id, expiry] of u.ids) if (expiry <= now) u.ids.delete(id);
}
