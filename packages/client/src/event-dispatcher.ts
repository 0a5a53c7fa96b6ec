import { BoundedSet } from './bounded-set';
import { type Fact, factsOf } from './facts';
import type { PolledEvent } from './http-api';
import { Listeners } from './listeners';

/**
 * Where every incoming event goes, whichever way it came (socket or polling):
 * dropped if its `(eventId, name)` was seen, `lastSeq` moved by its `seq`, then
 * handed to the listeners of its name and, as facts, to the fact listeners.
 */
export class EventDispatcher {
  private readonly seen: BoundedSet<string>;
  private readonly events = new Listeners<string, (payload: unknown) => void>();
  private readonly factListeners = new Set<(fact: Fact) => void>();
  /** The highest event-log position seen; null until known. */
  lastSeq: number | null;

  constructor(capacity: number, lastSeq: number | null) {
    this.seen = new BoundedSet(capacity);
    this.lastSeq = lastSeq;
  }

  on(event: string, handler: (payload: unknown) => void): () => void {
    return this.events.on(event, handler);
  }

  onFact(listener: (fact: Fact) => void): () => void {
    this.factListeners.add(listener);
    return () => this.factListeners.delete(listener);
  }

  count(event?: string): number {
    return event === undefined ? this.factListeners.size : this.events.count(event);
  }

  dispatch(event: string, payload: unknown): void {
    const envelope = payload as { seq?: unknown; eventId?: unknown } | null;
    // One logged event can arrive under two names (user_message and new_message): dedup per name.
    if (typeof envelope?.eventId === 'string' && !this.seen.add(`${envelope.eventId}|${event}`)) return;
    if (typeof envelope?.seq === 'number') this.advance(envelope.seq);
    this.events.emit(event, [payload]);
    this.emitFacts(event, payload);
  }

  /** A polled event's deliveries, with the envelope a socket would have seen on each. */
  dispatchPolled(e: PolledEvent): void {
    for (const d of e.deliveries) {
      const isObject = d.payload !== null && typeof d.payload === 'object' && !Array.isArray(d.payload);
      this.dispatch(d.event, isObject ? { ...(d.payload as object), seq: e.seq, eventId: e.id } : d.payload);
    }
    this.advance(e.seq);
  }

  /** Facts only (the named namespaces: their events are not in `/`'s log positions). */
  emitFacts(event: string, payload: unknown): void {
    if (this.factListeners.size === 0) return;
    let facts: Fact[];
    try {
      facts = factsOf(event, payload);
    } catch {
      return;
    }
    for (const fact of facts) for (const l of [...this.factListeners]) l(fact);
  }

  clear(): void {
    this.events.clear();
    this.factListeners.clear();
  }

  private advance(seq: number): void {
    if (seq > (this.lastSeq ?? -1)) this.lastSeq = seq;
  }
}
