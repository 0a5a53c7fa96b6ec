import { type EventRelay, type Fact, LocalEventRelay } from '../cluster/event-relay';
import type { DomainEvent, EphemeralEvent, LoggedEvent } from '../domain/domain-event';
import type { AppIo, AppNamespace } from '../transport/socket-types';
import type { WidgetNamespaces } from '../transport/widget-namespaces';
import { AudibleRooms } from './audible-rooms';
import { type Delivery, type Renderer, roomName, type Surface, withEnvelope } from './delivery';
import { evictMergedVisitor, mergedVisitorOf } from './evict-merged-visitor';
import { InOrderGate } from './in-order-gate';
import { PublishLedger } from './publish-ledger';
import { renderDefault } from './renderers/render-default';
import { renderPortal } from './renderers/render-portal';
import { renderWidget } from './renderers/render-widget';
import { ResumePoints } from './resume-points';

/** The default namespace's vocabularies; the named namespaces add theirs ({@link Broadcaster.addRenderer}). */
export const DEFAULT_RENDERERS: readonly Renderer[] = [renderDefault, renderPortal, renderWidget];

/** A renderer and the one surface every delivery of it goes to. */
interface Voice {
  render: Renderer;
  surface: Surface;
}

const DEFAULT_VOICES: readonly Voice[] = [
  { render: renderDefault, surface: { ns: '/', dialect: 'default' } },
  { render: renderPortal, surface: { ns: '/', dialect: 'portal' } },
  { render: renderWidget, surface: { ns: '/', dialect: 'widget' } },
];

export interface BroadcasterOptions {
  io: AppIo;
  /** The widget's per-conversation namespaces; a widget delivery also goes to those with sockets in its rooms. */
  widgets: Pick<WidgetNamespaces, 'holding' | 'anyHolding'>;
  onEmit?: (event: string) => void;
  onListenerError?: (err: unknown) => void;
  /** How facts reach the other nodes; alone by default. */
  relay?: EventRelay;
  /** `e` is the logged event that could not be relayed (absent for signals). */
  onRelayError?: (err: unknown, e?: LoggedEvent) => void;
  /** A logged event this node committed was handed to the relay. */
  onRelayed?: (e: LoggedEvent) => void;
  /** Longest a logged event waits here for the account's previous one (see in-order-gate.ts). */
  orderWaitMs?: number;
  onOrderGiveUp?: (e: LoggedEvent) => void;
  /** Socket.IO's connection-state-recovery window (0 when recovery is off): rooms emptied this recently are still heard. */
  recoveryWindowMs?: number;
  /** Every logged event as this node emits it (the replay service keeps each account's head). */
  onEmitted?: (e: LoggedEvent) => void;
}

/**
 * The only code that emits to rooms. Takes a fact, asks its renderers who hears
 * it in which words, and emits each delivery once (Socket.IO encodes a
 * broadcast once for all its recipients; the envelope is added once per
 * delivery; transport/coalesce-websocket-writes.ts writes a connection's frames
 * of one event-loop turn in one system call).
 *
 * Every node emits every fact to its own sockets only (`local`), never through
 * the Socket.IO adapter: a fact this node raised is relayed to the others, and
 * each node emits what it hears. So a broadcast does not depend on the raising
 * node living on after its commit: the outbox tailer feeds the same
 * {@link receive} with logged events no relay brought. The ledger makes each
 * logged event go out once per node, the gate in each account's log order.
 */
export class Broadcaster {
  readonly ledger = new PublishLedger();
  /** Sockets that resumed with auth.lastSeq; live emits of older events skip them. */
  readonly resumes = new ResumePoints(60_000);
  readonly relay: EventRelay;
  private readonly gate: InOrderGate;
  /** Logged events this node committed that the gate still holds: their listeners run when they go out. */
  private readonly ownPending = new Set<number>();
  /** Whether a logged event this node has not emitted yet still will be (see {@link willEmit}). */
  private pendingCheck: (e: LoggedEvent) => boolean = () => true;
  private voices: readonly Voice[] = DEFAULT_VOICES;
  private readonly listeners = new Set<(e: LoggedEvent) => void>();
  private readonly signalListeners = new Set<(e: EphemeralEvent) => void>();
  private readonly audible: AudibleRooms;

  constructor(private readonly opts: BroadcasterOptions) {
    this.relay = opts.relay ?? new LocalEventRelay();
    this.audible = new AudibleRooms(opts.io, opts.recoveryWindowMs ?? 0);
    this.gate = new InOrderGate({
      ledger: this.ledger,
      maxWaitMs: opts.orderWaitMs ?? 2_000,
      onOverdue: (due, gaveUpOn) => {
        opts.onOrderGiveUp?.(gaveUpOn);
        this.emitLogged(due);
      },
    });
    this.relay.onFact((fact) => this.receiveFact(fact));
  }

  /**
   * Where this node starts in the log (its last seq when the node starts). Alone, everything up to
   * it counts as broadcast long ago (a reconnecting client gets it by replay). In a cluster only the
   * ordering gate starts there: an older event another node is still committing must still go out,
   * and `pending` tells replay which unseen events the tailer will yet bring.
   */
  startAt(seq: number, pending?: (e: LoggedEvent) => boolean): void {
    this.gate.settleThrough(seq);
    if (pending) this.pendingCheck = pending;
    else this.ledger.settleThrough(seq);
  }

  /** `surface`: where every delivery of `renderer` goes; when nobody on this node hears it, the renderer is skipped. */
  addRenderer(render: Renderer, surface: Surface): void {
    this.voices = [...this.voices, { render, surface }];
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

  /** A logged event this node committed: relayed to the other nodes, emitted here once, then its listeners run. */
  publish(e: LoggedEvent): void {
    if (this.relay.clustered) {
      this.relay.send({ kind: 'logged', event: e }).then(
        () => this.opts.onRelayed?.(e),
        (err) => this.opts.onRelayError?.(err, e),
      );
    }
    if (this.ledger.has(e.seq)) return;
    this.ownPending.add(e.seq);
    this.emitLogged(this.gate.offer(e));
  }

  /** A logged event another node committed (relayed, or read back by the outbox tailer): emitted here once. */
  receive(e: LoggedEvent): void {
    this.emitLogged(this.gate.offer(e));
  }

  /** A state change that is not logged (typing, presence): relayed, emitted here, then its listeners run. */
  signal(e: EphemeralEvent): void {
    if (this.relay.clustered) this.relay.send({ kind: 'signal', event: e }).catch((err) => this.opts.onRelayError?.(err));
    for (const d of this.audiblePlan(e)) this.emit(e, d);
    for (const listener of this.signalListeners) {
      try {
        listener(e);
      } catch (err) {
        this.opts.onListenerError?.(err);
      }
    }
  }

  /**
   * Whether a logged event this node has not emitted will still be emitted here: it waits in the
   * ordering gate, or (in a cluster) the tailer's window still covers it. Replay leaves such events
   * to live delivery.
   */
  willEmit(e: LoggedEvent): boolean {
    return this.gate.holds(e.seq) || this.pendingCheck(e);
  }

  /** Stops waiting for predecessors; held events are dropped (the node is going). */
  close(): void {
    this.gate.close();
  }

  private receiveFact(fact: Fact): void {
    if (fact.kind === 'logged') this.receive(fact.event);
    else for (const d of this.audiblePlan(fact.event)) this.emit(fact.event, d);
  }

  /**
   * Emits logged events the gate let out, in the order given. They are already in the ledger, so
   * one that fails to go out must not keep the others back: the first failure is raised after them.
   */
  private emitLogged(due: readonly LoggedEvent[]): void {
    let failure: { err: unknown } | undefined;
    for (const e of due) {
      try {
        this.emitOne(e);
      } catch (err) {
        failure ??= { err };
      }
    }
    if (failure) throw failure.err;
  }

  private emitOne(e: LoggedEvent): void {
    this.opts.onEmitted?.(e);
    const holding = this.resumes.holding(e.accountId, e.seq);
    for (const d of this.audiblePlan(e)) this.emit(e, d, e.seq, e.eventId, holding);
    // A merged visitor's sockets leave with the fact that moved their conversation, on every node.
    const merged = mergedVisitorOf(e);
    if (merged) evictMergedVisitor(this.opts.io, this.opts.widgets, merged.accountId, merged.visitorId);
    // Reactions (notifications, AI, metrics) follow a fact once, on the node that committed it.
    if (!this.ownPending.delete(e.seq)) return;
    for (const listener of this.listeners) {
      try {
        listener(e);
      } catch (err) {
        this.opts.onListenerError?.(err);
      }
    }
  }

  /** Every delivery of a fact, heard here or not (replay and polling render for one reader). */
  deliveries(e: DomainEvent | EphemeralEvent): Delivery[] {
    return this.voices.flatMap((v) => v.render(e));
  }

  /**
   * {@link deliveries}, less the renderers of surfaces nobody on this node hears: their deliveries would all
   * be dropped by {@link emit}'s check of the rooms, so building them (and their payloads) is skipped.
   */
  private audiblePlan(e: DomainEvent | EphemeralEvent): Delivery[] {
    const out: Delivery[] = [];
    for (const { render, surface } of this.voices) if (this.heard(surface)) for (const d of render(e)) out.push(d);
    return out;
  }

  private heard(surface: Surface): boolean {
    if (surface.ns !== '/') return this.audible.anyIn(this.opts.io.of(surface.ns));
    if (surface.dialect === 'widget' && this.opts.widgets.anyHolding()) return true;
    return this.audible.anyIn(this.opts.io.of('/'), surface.dialect);
  }

  private emit(e: DomainEvent | EphemeralEvent, d: Delivery, seq?: number, eventId?: string, skipSockets: string[] = []): void {
    const accountId = 'accountId' in e ? e.accountId : '';
    const rooms = d.to.map((r) => roomName(accountId, r, d.surface));
    const nsp = this.opts.io.of(d.surface.ns);
    // Nobody on this node speaks this vocabulary in these rooms (nor may come back to them): nothing to encode or keep.
    const targets: AppNamespace[] = this.audible.any(nsp, rooms) ? [nsp] : [];
    // Only the widget namespaces concerned, each on its own (never through their parent, which would walk
    // every child and share one packet, recovery offsets included, between them).
    if (d.surface.ns === '/' && d.surface.dialect === 'widget') targets.push(...this.opts.widgets.holding(rooms));
    if (targets.length === 0) return;
    const payload = withEnvelope(d.payload, seq, eventId);
    for (const nsp of targets) {
      // `local`: other nodes emit to their own sockets (see the class comment).
      let op = nsp.local.to(rooms);
      if (d.except?.length) op = op.except(d.except.map((r) => roomName(accountId, r, d.surface)));
      // A socket's id is a room of its own.
      if (skipSockets.length) op = op.except(skipSockets);
      if (d.volatile) op = op.volatile;
      op.emit(d.event, payload);
    }
    this.opts.onEmit?.(d.event);
  }
}
