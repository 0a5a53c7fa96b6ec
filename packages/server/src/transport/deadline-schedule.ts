import { type Clock, type ClockTimer, systemClock } from '../clock';

const MAX_TIMEOUT = 2 ** 31 - 1;

/**
 * Many deadlines, one timer: items sit in buckets of `resolutionMs` and `fire` runs for each item
 * once its bucket is due (at most `resolutionMs` late, never early). An item is in at most one
 * bucket; adding it again moves it. Per-socket `setTimeout`s cost a Timeout object, a closure and
 * its context each (about 200 bytes with their bookkeeping); here an item costs a Set entry and a
 * Map entry (docs/decisions.md, "Memory per connection").
 */
export class DeadlineSchedule<T extends object> {
  private readonly buckets = new Map<number, Set<T>>();
  private readonly bucketOf = new WeakMap<T, number>();
  private timer: ClockTimer | null = null;
  private armedFor = Number.POSITIVE_INFINITY;

  constructor(
    private readonly fire: (item: T) => void,
    private readonly resolutionMs = 250,
    private readonly clock: Clock = systemClock,
  ) {}

  /** Runs `fire(item)` at `atMs` (epoch ms) or up to `resolutionMs` after it. */
  add(item: T, atMs: number): void {
    this.remove(item);
    const key = Math.ceil(atMs / this.resolutionMs);
    let bucket = this.buckets.get(key);
    if (!bucket) this.buckets.set(key, (bucket = new Set()));
    bucket.add(item);
    this.bucketOf.set(item, key);
    this.arm(key);
  }

  remove(item: T): void {
    const key = this.bucketOf.get(item);
    if (key === undefined) return;
    this.bucketOf.delete(item);
    const bucket = this.buckets.get(key);
    bucket?.delete(item);
    if (bucket?.size === 0) this.buckets.delete(key);
  }

  get size(): number {
    let n = 0;
    for (const bucket of this.buckets.values()) n += bucket.size;
    return n;
  }

  private arm(key: number): void {
    if (key >= this.armedFor) return;
    this.clock.clearTimeout(this.timer);
    this.armedFor = key;
    const delay = Math.min(Math.max(0, key * this.resolutionMs - this.clock.now()), MAX_TIMEOUT);
    this.timer = this.clock.setTimeout(() => this.run(), delay);
  }

  private run(): void {
    this.timer = null;
    this.armedFor = Number.POSITIVE_INFINITY;
    const now = Math.floor(this.clock.now() / this.resolutionMs);
    const due: T[] = [];
    let next = Number.POSITIVE_INFINITY;
    for (const [key, bucket] of this.buckets) {
      if (key > now) {
        if (key < next) next = key;
        continue;
      }
      this.buckets.delete(key);
      for (const item of bucket) {
        this.bucketOf.delete(item);
        due.push(item);
      }
    }
    if (next !== Number.POSITIVE_INFINITY) this.arm(next);
    // After re-arming: `fire` may add the item again (a refresh is followed by the expiry).
    for (const item of due) this.fire(item);
  }
}
