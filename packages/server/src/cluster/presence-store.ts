import type { PresenceStatus } from '@switchboard/protocol';

export interface PresenceRecord {
  accountId: string;
  userId: string;
  /** The status the user chose; shown while at least one connection is open. */
  status: Exclude<PresenceStatus, 'offline'>;
  connections: number;
  lastSeen: string;
}

/**
 * Who is connected, per connection, aggregated per user: a user is online while
 * any of its connections is open (several tabs count once). Memory here; Redis
 * across nodes, behind the same interface.
 */
export interface PresenceStore {
  /** Returns true when this was the user's first connection. */
  connect(accountId: string, userId: string, connectionId: string): Promise<{ first: boolean; record: PresenceRecord }>;
  /** Returns true when this was the user's last connection. */
  disconnect(accountId: string, userId: string, connectionId: string): Promise<{ last: boolean; record: PresenceRecord | null }>;
  setStatus(accountId: string, userId: string, status: PresenceRecord['status']): Promise<PresenceRecord | null>;
  get(accountId: string, userId: string): Promise<PresenceRecord | null>;
  list(accountId: string): Promise<PresenceRecord[]>;
}

export class MemoryPresenceStore implements PresenceStore {
  private readonly users = new Map<string, PresenceRecord & { ids: Set<string> }>();
  /** A chosen status outlives the connections, so it survives a reconnect (001). */
  private readonly chosen = new Map<string, PresenceRecord['status']>();

  async connect(accountId: string, userId: string, connectionId: string) {
    const key = `${accountId}\u0000${userId}`;
    let rec = this.users.get(key);
    const first = !rec;
    if (!rec) {
      rec = { accountId, userId, status: this.chosen.get(key) ?? 'online', connections: 0, lastSeen: now(), ids: new Set() };
      this.users.set(key, rec);
    }
    rec.ids.add(connectionId);
    rec.connections = rec.ids.size;
    rec.lastSeen = now();
    return { first, record: view(rec) };
  }

  async disconnect(accountId: string, userId: string, connectionId: string) {
    const key = `${accountId}\u0000${userId}`;
    const rec = this.users.get(key);
    if (!rec) return { last: false, record: null };
    rec.ids.delete(connectionId);
    rec.connections = rec.ids.size;
    rec.lastSeen = now();
    if (rec.ids.size > 0) return { last: false, record: view(rec) };
    this.users.delete(key);
    return { last: true, record: view(rec) };
  }

  async setStatus(accountId: string, userId: string, status: PresenceRecord['status']) {
    const key = `${accountId}\u0000${userId}`;
    this.chosen.set(key, status);
    const rec = this.users.get(key);
    if (!rec) return null;
    rec.status = status;
    rec.lastSeen = now();
    return view(rec);
  }

  async get(accountId: string, userId: string) {
    const rec = this.users.get(`${accountId}\u0000${userId}`);
    return rec ? view(rec) : null;
  }

  async list(accountId: string) {
    return [...this.users.values()].filter((r) => r.accountId === accountId).map(view);
  }
}

const now = () => new Date().toISOString();
const view = ({ ids: _ids, ...rec }: PresenceRecord & { ids?: Set<string> }): PresenceRecord => ({ ...rec });
