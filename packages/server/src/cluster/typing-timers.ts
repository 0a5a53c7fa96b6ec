/**
 * Who is typing where, with a deadline each: a start arms (or re-arms) a timer, a stop disarms it,
 * and a timer whose deadline passes is handed, once across all nodes, to whichever node asks first
 * ({@link takeExpired}), which announces the stop. So a typist whose node dies still stops typing
 * for everyone else after the timeout. Memory here; Redis across nodes (redis-typing-timers.ts).
 *
 * Entries are opaque strings to the store (the services' JSON); `owner` groups a user's entries so
 * they stop together when its socket goes.
 */
export interface TypingTimers {
  /** Arms `key` until now + `ttlMs`; true when it was not armed (a new typist, to announce). */
  arm(key: string, owner: string, data: string, ttlMs: number): Promise<boolean>;
  /** Disarms `key`; its data when it was armed (so the stop is announced once). */
  disarm(key: string, owner: string): Promise<string | null>;
  /** Disarms every key of `owner`; the data of those that were armed. */
  disarmOwner(owner: string): Promise<string[]>;
  /** Takes the entries whose deadline passed; each goes to one caller only. */
  takeExpired(limit?: number): Promise<string[]>;
  close(): Promise<void>;
}

interface Timer {
  owner: string;
  data: string;
  deadline: number;
}

export class MemoryTypingTimers implements TypingTimers {
  private readonly timers = new Map<string, Timer>();

  constructor(private readonly now: () => number = Date.now) {}

  async arm(key: string, owner: string, data: string, ttlMs: number): Promise<boolean> {
    const isNew = !this.timers.has(key);
    this.timers.set(key, { owner, data, deadline: this.now() + ttlMs });
    return isNew;
  }

  async disarm(key: string): Promise<string | null> {
    const t = this.timers.get(key);
    if (!t) return null;
    this.timers.delete(key);
    return t.data;
  }

  async disarmOwner(owner: string): Promise<string[]> {
    const out: string[] = [];
    for (const [key, t] of this.timers) {
      if (t.owner !== owner) continue;
      this.timers.delete(key);
      out.push(t.data);
    }
    return out;
  }

  async takeExpired(limit = 500): Promise<string[]> {
    const now = this.now();
    const out: string[] = [];
    for (const [key, t] of this.timers) {
      if (out.length >= limit) break;
      if (t.deadline > now) continue;
      this.timers.delete(key);
      out.push(t.data);
    }
    return out;
  }

  async close(): Promise<void> {
    this.timers.clear();
  }
}
