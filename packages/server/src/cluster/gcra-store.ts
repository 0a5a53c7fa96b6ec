/**
 * One charge against one budget, in GCRA terms (the generic cell rate algorithm, a token bucket
 * kept as a single time per key): the budget refills one point every `intervalMs` and holds at
 * most `burst` points. The key stores its "theoretical arrival time" (TAT): the moment the bucket
 * would be full again.
 */
export interface GcraCharge {
  key: string;
  /** Milliseconds to earn back one point (window / points). */
  intervalMs: number;
  /** Points that may be spent at once from a full budget. */
  burst: number;
  /** Points this action costs; more than `burst` is charged as `burst` (it needs a full budget). */
  cost: number;
}

export type GcraVerdict = { ok: true } | { ok: false; retryAfterMs: number; index: number };

/**
 * The state of every budget. `take` is all or nothing: either every charge fits and all are made,
 * or none is made and the answer says which budget was short and how long until the whole set
 * would fit. So a refused event costs nothing, and a socket's budget is not spent by an event its
 * tenant's ceiling refused. Memory here; Redis (one Lua script) across nodes: redis-gcra-store.ts.
 */
export interface GcraStore {
  take(charges: GcraCharge[]): Promise<GcraVerdict>;
}

/** The decision for one key, shared by the memory store and mirrored line by line in the Lua script. */
export function gcraStep(tat: number | undefined, now: number, c: GcraCharge): { newTat: number; waitMs: number } {
  const cost = Math.min(c.cost, c.burst);
  const newTat = Math.max(tat ?? now, now) + cost * c.intervalMs;
  // The bucket may run at most `burst` points ahead of now.
  const waitMs = newTat - now - c.burst * c.intervalMs;
  return { newTat, waitMs };
}

/** All decisions of one `take`: the first short budget with the longest wait, or the new TATs. */
export function gcraDecide(
  tats: Array<number | undefined>,
  now: number,
  charges: GcraCharge[],
): { verdict: GcraVerdict; newTats: number[] } {
  const newTats: number[] = [];
  let verdict: GcraVerdict = { ok: true };
  for (let i = 0; i < charges.length; i++) {
    const step = gcraStep(tats[i], now, charges[i]!);
    newTats.push(step.newTat);
    if (step.waitMs > 0 && (verdict.ok || step.waitMs > verdict.retryAfterMs))
      verdict = { ok: false, retryAfterMs: Math.ceil(step.waitMs), index: i };
  }
  return { verdict, newTats };
}

const SWEEP_EVERY_MS = 10_000;

/** One node's budgets in a Map; keys whose budget is full again are dropped every 10 s. */
export class MemoryGcraStore implements GcraStore {
  private readonly tats = new Map<string, number>();
  private lastSweep: number;

  constructor(private readonly now: () => number = Date.now) {
    this.lastSweep = now();
  }

  async take(charges: GcraCharge[]): Promise<GcraVerdict> {
    return this.takeNow(charges);
  }

  /** Synchronous, for a fallback that must not wait. */
  takeNow(charges: GcraCharge[]): GcraVerdict {
    const now = this.now();
    this.sweep(now);
    const { verdict, newTats } = gcraDecide(
      charges.map((c) => this.tats.get(c.key)),
      now,
      charges,
    );
    if (verdict.ok) charges.forEach((c, i) => this.tats.set(c.key, newTats[i]!));
    return verdict;
  }

  /** Keys held (for tests: idle budgets are forgotten). */
  get size(): number {
    return this.tats.size;
  }

  private sweep(now: number): void {
    if (now - this.lastSweep < SWEEP_EVERY_MS) return;
    this.lastSweep = now;
    for (const [key, tat] of this.tats) if (tat <= now) this.tats.delete(key);
  }
}

/**
 * A shared store with this node's memory behind it: while the shared one fails (Redis away, the
 * primary not answering) each node limits on its own, rather than refusing every event or none.
 */
export function withLocalFallback(shared: GcraStore, onError: (err: unknown) => void): GcraStore {
  const local = new MemoryGcraStore();
  return {
    async take(charges) {
      try {
        return await shared.take(charges);
      } catch (err) {
        onError(err);
        return local.takeNow(charges);
      }
    },
  };
}
