/**
 * A set that forgets its oldest members beyond `capacity`: enough memory to
 * drop an event delivered twice (live and by replay), never a leak in a tab
 * left open for a week.
 */
export class BoundedSet<T> {
  private readonly items = new Set<T>();

  constructor(readonly capacity = 2_000) {}

  has(value: T): boolean {
    return this.items.has(value);
  }

  /** Adds `value`; false when it was already there. */
  add(value: T): boolean {
    if (this.items.has(value)) return false;
    this.items.add(value);
    if (this.items.size > this.capacity) {
      // A Set iterates in insertion order, so the first value is the oldest.
      const oldest = this.items.values().next();
      if (!oldest.done) this.items.delete(oldest.value);
    }
    return true;
  }

  get size(): number {
    return this.items.size;
  }

  clear(): void {
    this.items.clear();
  }
}
