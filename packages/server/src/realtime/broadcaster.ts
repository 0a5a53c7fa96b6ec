import type { DomainEvent, EphemeralEvent, LoggedEvent } from '../domain/domain-event';
import type { AppIo, AppNamespace } from '../transport/socket-types';
import { roomName, type Delivery } from './delivery';
import { plan, type Renderer, DEFAULT_RENDERERS } from './plan';
import { PublishLedger } from './publish-ledger';
import { withEnvelope } from './with-envelope';

export interface BroadcasterOptions {
  io: AppIo;
  /** The parent of 003's dynamic namespaces; widget deliveries go there too. */
  widgetParent: AppNamespace;
  renderers?: readonly Renderer[];
  onEmit?: (event: string) => void;
  onListenerError?: (err: unknown) => void;
}

/**
 * The only code that emits to rooms. Takes a fact, asks {@link plan} who hears
 * it in which words, and emits each delivery once (Socket.IO encodes a
 * broadcast once for all its recipients).
 */
export class Broadcaster {
  readonly ledger = new PublishLedger();
  private renderers: readonly Renderer[];
  private readonly listeners = new Set<(e: LoggedEvent) => void>();
  private readonly signalListeners = new Set<(e: EphemeralEvent) => void>();

  constructor(private readonly opts: BroadcasterOptions) {
    this.renderers = opts.renderers ?? DEFAULT_RENDERERS;
  }

  addRenderer(renderer: Renderer): void {
    this.renderers = [...this.renderers, renderer];
  }

  /**
   * Runs `listener` for every logged event this node publishes, after its
   * broadcast: how in-process reactions (AI triage, notifications, metrics)
   * follow facts without the services that raise them knowing.
   */
  onPublished(listener: (e: LoggedEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Like {@link onPublished}, for state changes that are not logged (presence moves the dashboard's agent metrics). */
  onSignalled(listener: (e: EphemeralEvent) => void): () => void {
    this.signalListeners.add(listener);
    return () => this.signalListeners.delete(listener);
  }

  /** A logged event: sent once per node, with its seq and id. */
  publish(e: LoggedEvent): void {
    if (this.ledger.has(e.seq)) return;
    this.ledger.record(e.seq);
    for (const d of plan(e, this.renderers)) this.emit(e, d, e.seq, e.eventId);
    for (const listener of this.listeners) {
      try {
        listener(e);
      } catch (err) {
        this.opts.onListenerError?.(err);
      }
    }
  }

  /** A state change that is not logged (typing, presence). */
  signal(e: EphemeralEvent): void {
    for (const d of plan(e, this.renderers)) this.emit(e, d);
    for (const listener of this.signalListeners) {
      try {
        listener(e);
      } catch (err) {
        this.opts.onListenerError?.(err);
      }
    }
  }

  deliveries(e: DomainEvent | EphemeralEvent): Delivery[] {
    return plan(e, this.renderers);
  }

  private emit(e: DomainEvent | EphemeralEvent, d: Delivery, seq?: number, eventId?: string): void {
    const accountId = 'accountId' in e ? e.accountId : '';
    const payload = withEnvelope(d.payload, seq, eventId);
    const targets: AppNamespace[] = [this.opts.io.of(d.surface.ns)];
    if (d.surface.ns === '/' && d.surface.dialect === 'widget') targets.push(this.opts.widgetParent);
    for (const nsp of targets) {
      let op = nsp.to(d.to.map((r) => roomName(accountId, r, d.surface)));
      if (d.except?.length) op = op.except(d.except.map((r) => roomName(accountId, r, d.surface)));
      if (d.volatile) op = op.volatile;
      op.emit(d.event, payload);
    }
    this.opts.onEmit?.(d.event);
  }
}
