/**
 * Runs a task per key at most once per interval: the first call runs at once,
 * calls within the interval coalesce into one run when it ends. The dashboard
 * uses one key per tenant. Memory here, per node; a Redis implementation would
 * hold the window in a key with a TTL so the limit holds across nodes.
 */
export interface Throttle {
  schedule(key: string, task: () => Promise<void>): void;
  /** Drops pending runs and waits for running ones. */
  close(): Promise<void>;
}

interface KeyState {
  lastRun: number;
  timer: NodeJS.Timeout | null;
  task: (() => Promise<void>) | null;
}

export class MemoryThrottle implements Throttle {
  private readonly keys = new Map<string, KeyState>();
  private readonly running = new Set<Promise<void>>();
  private closed = false;

  constructor(
    private readonly intervalMs: number,
    private readonly onError: (err: unknown) => void = () => undefined,
  ) {}

  schedule(key: string, task: () => Promise<void>): void {
    if (this.closed) return;
    const state = this.keys.get(key) ?? { lastRun: Number.NEGATIVE_INFINITY, timer: null, task: null };
    this.keys.set(key, state);
    state.task = task;
    if (state.timer) return;
    const wait = state.lastRun + this.intervalMs - Date.now();
    if (wait <= 0) return this.run(state);
    state.timer = setTimeout(() => {
      state.timer = null;
      this.run(state);
    }, wait);
    state.timer.unref();
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const state of this.keys.values()) if (state.timer) clearTimeout(state.timer);
    this.keys.clear();
    await Promise.allSettled([...this.running]);
  }

  private run(state: KeyState): void {
    const task = state.task;
    state.task = null;
    state.lastRun = Date.now();
    if (!task || this.closed) return;
    const p = task()
      .catch(this.onError)
      .finally(() => this.running.delete(p));
    this.running.add(p);
  }
}
