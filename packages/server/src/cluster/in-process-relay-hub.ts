import { decodeFact, encodeFact, type EventRelay, type Fact, newNodeId } from './event-relay';

/**
 * Several servers in one process, relaying to each other as if over a network: each message is
 * encoded, crosses an event-loop turn, and is decoded on the other side. `cut()` drops everything
 * until `mend()`, which is how tests make the outbox tailer the only path left.
 *
 * @example
 * const hub = new InProcessRelayHub();
 * const a = await buildServer(config, { db, relay: hub.join() });
 * const b = await buildServer(config, { db, relay: hub.join() });
 */
export class InProcessRelayHub {
  private readonly members = new Set<Member>();
  private dropping = false;
  /** Messages dropped while cut. */
  dropped = 0;

  join(): EventRelay {
    const member = new Member(this);
    this.members.add(member);
    return member;
  }

  cut(): void {
    this.dropping = true;
  }

  mend(): void {
    this.dropping = false;
  }

  /** @internal */
  deliver(from: Member, raw: string): void {
    if (this.dropping) {
      this.dropped++;
      return;
    }
    for (const m of this.members) {
      if (m !== from) setImmediate(() => m.receive(raw));
    }
  }

  /** @internal */
  leave(member: Member): void {
    this.members.delete(member);
  }
}

class Member implements EventRelay {
  readonly clustered = true;
  readonly nodeId = newNodeId();
  private handler: ((fact: Fact) => void) | null = null;

  constructor(private readonly hub: InProcessRelayHub) {}

  async send(fact: Fact): Promise<void> {
    this.hub.deliver(this, encodeFact(this.nodeId, fact));
  }

  onFact(handler: (fact: Fact) => void): void {
    this.handler = handler;
  }

  receive(raw: string): void {
    const decoded = decodeFact(raw);
    if (decoded && decoded.from !== this.nodeId) this.handler?.(decoded.fact);
  }

  async close(): Promise<void> {
    this.hub.leave(this);
    this.handler = null;
  }
}
