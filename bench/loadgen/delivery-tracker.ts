/**
 * Counts deliveries per broadcast and checks each client gets each broadcast
 * once. Broadcasts are posted over several HTTP connections at once, so the
 * server may emit them in another order than they were numbered: a bitmap per
 * open broadcast (one byte per client) tells a repeat from a late arrival. A
 * broadcast is complete when every connected client has it.
 */
export class DeliveryTracker {
  /** Deliveries received, all rounds, repeats excluded. */
  total = 0;
  /** Deliveries of a broadcast a client already had. */
  duplicates = 0;
  /** Called once per broadcast, when every client has received it. */
  onComplete: (seq: number) => void = () => {};

  private counts = new Uint32Array(1024);
  private readonly open = new Map<number, Uint8Array>();
  private next = 0;

  constructor(readonly clients: number) {}

  /** A fresh sequence number for a broadcast about to be posted. */
  allocate(): number {
    const seq = this.next++;
    if (seq >= this.counts.length) {
      const grown = new Uint32Array(this.counts.length * 2);
      grown.set(this.counts);
      this.counts = grown;
    }
    this.open.set(seq, new Uint8Array(this.clients));
    return seq;
  }

  record(client: number, seq: number): void {
    const seen = this.open.get(seq);
    if (!seen) {
      // Complete already (so this is a repeat), or not a broadcast of this run.
      if (seq < this.next) this.duplicates++;
      return;
    }
    if (seen[client] === 1) {
      this.duplicates++;
      return;
    }
    seen[client] = 1;
    this.total++;
    const count = (this.counts[seq] ?? 0) + 1;
    this.counts[seq] = count;
    if (count === this.clients) {
      this.open.delete(seq);
      this.onComplete(seq);
    }
  }

  /** Distinct clients that received broadcast `seq`. */
  count(seq: number): number {
    return this.counts[seq] ?? 0;
  }

  /** Stops tracking broadcasts that will not complete (after a round's drain), freeing their bitmaps. */
  forget(seqs: Iterable<number>): void {
    for (const seq of seqs) this.open.delete(seq);
  }
}
