/**
 * Remembers which logged events this node has already broadcast, and in what
 * order, so a replay to a reconnecting socket can leave out exactly the events
 * that socket will receive (or has received) live: no gap and no duplicate.
 *
 * A socket joins its rooms, takes a {@link position}, then reads the log. An
 * event read from the log is replayed only if it was broadcast before that
 * position; anything broadcast later reached the socket live, and anything not
 * yet broadcast will.
 */
export class PublishLedger {
  private readonly order = new Map<number, number>();
  private counter = 0;
  /** Seqs at or below this are older than the window and count as broadcast long ago. */
  private floor = 0;

  constructor(private readonly capacity = 200_000) {}

  record(seq: number): void {
    if (this.order.has(seq) || seq <= this.floor) return;
    this.order.set(seq, ++this.counter);
    if (this.order.size > this.capacity) this.evictOldest();
  }

  position(): number {
    return this.counter;
  }

  /** Was `seq` broadcast before `position` was taken? */
  broadcastBefore(seq: number, position: number): boolean {
    if (seq <= this.floor) return true;
    const at = this.order.get(seq);
    return at !== undefined && at <= position;
  }

  has(seq: number): boolean {
    return seq <= this.floor || this.order.has(seq);
  }

  private evictOldest(): void {
    // Maps iterate in insertion order, so the first keys are the oldest broadcasts.
    const drop = Math.ceil(this.capacity / 10);
    let i = 0;
    for (const seq of this.order.keys()) {
      if (i++ >= drop) break;
      this.order.delete(seq);
      if (seq > this.floor) this.floor = seq;
    }
  }
}
