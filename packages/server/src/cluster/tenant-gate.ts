import { AppError } from '../errors';

interface TenantSlots {
  active: number;
  waiting: Array<() => void>;
}

/**
 * Work in progress per tenant on this node: at most `maxActive` client events or HTTP writes of one
 * tenant run at once, the rest wait in that tenant's own queue (at most `maxQueued`, beyond which
 * RATE_LIMITED). A tenant at its rate ceiling then cannot fill the database pool, its per-tenant
 * append lock's queue and the event loop with its backlog: another tenant's event waits behind at
 * most `maxActive` of its transactions, not behind all of them. Per node, like the pool it protects.
 *
 * @example
 * const release = await gate.acquire('acme');
 * try { await work(); } finally { release(); }
 */
export class TenantGate {
  private readonly tenants = new Map<string, TenantSlots>();

  constructor(
    private readonly maxActive: number,
    private readonly maxQueued: number,
  ) {}

  async acquire(tenant: string): Promise<() => void> {
    let slots = this.tenants.get(tenant);
    if (!slots) this.tenants.set(tenant, (slots = { active: 0, waiting: [] }));
    if (slots.active < this.maxActive) slots.active++;
    else if (slots.waiting.length >= this.maxQueued) {
      throw new AppError('RATE_LIMITED', 'Your organisation has too much in progress; retry shortly', {
        retryAfterMs: 100,
        scope: 'tenant',
      });
    } else {
      // The slot is handed over by the release that wakes us; `active` stays as it is.
      await new Promise<void>((resolve) => slots.waiting.push(resolve));
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = slots.waiting.shift();
      if (next) next();
      else if (--slots.active === 0) this.tenants.delete(tenant);
    };
  }

  async run<T>(tenant: string, work: () => Promise<T> | T): Promise<T> {
    const release = await this.acquire(tenant);
    try {
      return await work();
    } finally {
      release();
    }
  }

  /** Tenants with work in progress (for tests: an idle tenant leaves nothing behind). */
  get size(): number {
    return this.tenants.size;
  }
}
