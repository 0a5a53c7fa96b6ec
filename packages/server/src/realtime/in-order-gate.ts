import type { LoggedEvent } from '../domain/domain-event';
import type { PublishLedger } from './publish-ledger';

export interface InOrderGateOptions {
  /** What this node already emitted: the gate reads it, and records each event it lets out. */
  ledger: PublishLedger;
  /** Longest an event waits for its predecessor before it goes out anyway. */
  maxWaitMs: number;
  /**
   * Events let out because one stopped waiting for a predecessor that never came (`gaveUpOn`, the
   * first of `due`), in log order. The only way out that is not {@link InOrderGate.offer}'s answer:
   * it happens on a timer, with no caller to answer.
   */
  onOverdue: (due: LoggedEvent[], gaveUpOn: LoggedEvent) => void;
}

interface Held {
  event: LoggedEvent;
  timer: NodeJS.Timeout;
}

/**
 * Lets each account's logged events out in log order on this node, whichever path each one took here
 * (its own commit, the relay, the outbox tailer). Without it a node could emit its own event 105
 * before another node's 104 arrives; a client that saw 105 and then lost its connection would resume
 * after 105 and never get 104. Every logged event names the account's previous one (`prevSeq`,
 * drawn under the append lock), so an event whose predecessor is not out yet waits for it. The
 * tailer brings any committed predecessor within a second; `maxWaitMs` bounds the wait if neither
 * path can.
 *
 * The gate emits nothing itself: {@link offer} answers with the events that may go out now, already
 * recorded in the ledger, and the caller emits them in that order.
 */
export class InOrderGate {
  /** Held events by the seq they wait for. */
  private readonly waiting = new Map<number, Held>();
  private readonly heldSeqs = new Set<number>();
  /** Predecessors at or below this count as emitted: they predate this node's start. */
  private settled = 0;

  constructor(private readonly opts: InOrderGateOptions) {}

  /** Events up to `seq` were written before this node started: nothing waits for them. */
  settleThrough(seq: number): void {
    if (seq > this.settled) this.settled = seq;
  }

  /** The events that may go out now, in log order: `e` and the successors that waited for it, or none while `e` waits. */
  offer(e: LoggedEvent): LoggedEvent[] {
    if (this.heldSeqs.has(e.seq) || this.opts.ledger.has(e.seq)) return [];
    const prev = e.prevSeq ?? null;
    // A second event claiming the same predecessor cannot happen in one log; if it did, waiting
    // would only delay it, so it goes out.
    if (prev === null || this.isOut(prev) || this.waiting.has(prev)) return this.release(e);
    const timer = setTimeout(() => this.giveUp(prev), this.opts.maxWaitMs);
    timer.unref();
    this.waiting.set(prev, { event: e, timer });
    this.heldSeqs.add(e.seq);
    return [];
  }

  /** Whether `seq` is waiting here for its predecessor (it will be emitted). */
  holds(seq: number): boolean {
    return this.heldSeqs.has(seq);
  }

  get size(): number {
    return this.heldSeqs.size;
  }

  close(): void {
    for (const held of this.waiting.values()) clearTimeout(held.timer);
    this.waiting.clear();
    this.heldSeqs.clear();
  }

  private isOut(seq: number): boolean {
    return seq <= this.settled || this.opts.ledger.has(seq);
  }

  private release(first: LoggedEvent): LoggedEvent[] {
    const due: LoggedEvent[] = [];
    let next: LoggedEvent | undefined = first;
    while (next) {
      if (!this.opts.ledger.has(next.seq)) {
        this.opts.ledger.record(next.seq);
        due.push(next);
      }
      const successor = this.waiting.get(next.seq);
      if (!successor) break;
      clearTimeout(successor.timer);
      this.waiting.delete(next.seq);
      this.heldSeqs.delete(successor.event.seq);
      next = successor.event;
    }
    return due;
  }

  private giveUp(prev: number): void {
    const held = this.waiting.get(prev);
    if (!held) return;
    this.waiting.delete(prev);
    this.heldSeqs.delete(held.event.seq);
    this.opts.onOverdue(this.release(held.event), held.event);
  }
}
