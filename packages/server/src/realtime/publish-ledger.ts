/**
 * Remembers which logged events this node has already broadcast, and in what
 * order, so a replay to a socket can leave out exactly the events that socket
 * received (or will receive) live: no gap and no duplicate. Sockets note the
 * position at which they joined each room (see room-joins.ts); an event
 * broadcast after that position reached the socket live.
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

  /**
   * When `seq` was broadcast, as a position; 0 when it is older than the window,
   * undefined when this node has not broadcast it (yet).
   */
  positionOf(seq: number): number | undefined {
    if (seq <= this.floor) return 0;
    return this.order.get(seq);
  }

  /**
   * Events up to `seq` count as broadcast long ago: a node alone starts here with the log's last seq,
   * so a client replaying after a restart gets what was written before it, and nothing waits for it.
   */
  settleThrough(seq: number): void {
    if (seq > this.floor) this.floor = seq;
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
