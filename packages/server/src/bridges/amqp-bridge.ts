import type { ConsumeMessage } from 'amqplib';
import type { z } from 'zod';

import type { Logger } from '../log';
import type { Services } from '../services';
import { AmqpSession } from './amqp-session';
import { ChannelStatusUpdate, InboundChannelMessage, parseBridgeMessage } from './bridge-messages';
import { classifyFailure } from './classify-failure';
import { handleInboundMessage, inboundOrderKey } from './handle-inbound-message';
import { handleStatusUpdate, statusOrderKey } from './handle-status-update';
import { KeyedSerial } from './keyed-serial';

export interface AmqpBridgeOptions {
  url: string;
  prefetch: number;
  inboundQueue: string;
  statusQueue: string;
  /** First pause before a passing failure is requeued (see retryDelay). */
  retryDelayMs: number;
  /** Pauses between connection attempts; the last one repeats. 1 s, 2 s, 5 s by default, as the widget reconnects. */
  reconnectDelaysMs?: readonly number[];
  connectTimeoutMs?: number;
}

export type BridgeState = 'connecting' | 'connected' | 'reconnecting' | 'closed';

export interface BridgeStatus {
  state: BridgeState;
  /** When the current state began (ISO 8601). */
  since: string;
  queues: string[];
  lastError: string | null;
  /** Successful connections after the first one. */
  reconnects: number;
  /** Deliveries processed and acknowledged (duplicates included: they are stored once and acked). */
  acked: number;
  deadLettered: number;
  /** Deliveries returned to their queue after a passing failure. */
  requeued: number;
  /** Deliveries the broker marked as redelivered (after a lost connection or a requeue). */
  redelivered: number;
}

export type BridgeDeps = Pick<Services, 'users' | 'conversations' | 'messages' | 'db'> & { log: Logger };

type Prepared = { ok: true; key: string; run: () => Promise<unknown> } | { ok: false; reason: string };

const MAX_RETRY_DELAY_MS = 30_000;
const DRAIN_ON_CLOSE_MS = 5_000;

/**
 * The RabbitMQ → Socket.IO bridge of the portal's design (RT-02). Consumes the inbound-message and status-update
 * queues and hands each delivery to the same services a socket uses, so it is stored once and
 * raises the same domain events. A delivery is acknowledged only after its transaction committed;
 * one that can never succeed goes to `<queue>.dlq` with its reason; one that failed for a passing
 * reason (database down) is requeued after a growing pause. The connection is re-made by itself
 * after a broker restart.
 *
 * @example
 * const bridge = new AmqpBridge(deps, { url: 'amqp://127.0.0.1', prefetch: 16, inboundQueue: 'IN', statusQueue: 'ST', retryDelayMs: 1000 });
 * bridge.start();
 * bridge.status().state; // 'connecting', then 'connected'
 * await bridge.close();
 */
export class AmqpBridge {
  private state: BridgeState = 'connecting';
  private since = new Date();
  private lastError: string | null = null;
  private readonly counts = { reconnects: 0, acked: 0, deadLettered: 0, requeued: 0, redelivered: 0 };
  private session: AmqpSession | null = null;
  private loop: Promise<void> | null = null;
  private closing = false;
  private failingSince: number | null = null;
  private readonly routes = new Map<string, (body: Buffer) => Prepared>();
  private readonly serial = new KeyedSerial();
  private readonly inFlight = new Set<Promise<void>>();
  private readonly sleepers = new Set<() => void>();
  private readonly log: Logger;

  /** For /readyz: rejects unless the bridge is connected and consuming. */
  readonly readiness = {
    name: 'rabbitmq',
    check: async (): Promise<void> => {
      if (this.state !== 'connected') throw new Error(`rabbitmq bridge is ${this.state}`);
    },
  };

  constructor(
    private readonly deps: BridgeDeps,
    private readonly opts: AmqpBridgeOptions,
  ) {
    if (opts.inboundQueue === opts.statusQueue) throw new Error('AMQP_INBOUND_QUEUE and AMQP_STATUS_QUEUE must differ');
    this.log = deps.log.child({ component: 'amqp-bridge' });
    this.routes.set(
      opts.inboundQueue,
      route(InboundChannelMessage, inboundOrderKey, (m) => handleInboundMessage(deps, m)),
    );
    this.routes.set(
      opts.statusQueue,
      route(ChannelStatusUpdate, statusOrderKey, (u) => handleStatusUpdate(deps, u)),
    );
  }

  /** Starts connecting in the background; never throws: an unreachable broker is retried and reported by status(). */
  start(): void {
    this.loop ??= this.run();
  }

  status(): BridgeStatus {
    return {
      state: this.state,
      since: this.since.toISOString(),
      queues: [...this.routes.keys()],
      lastError: this.lastError,
      ...this.counts,
    };
  }

  /** Stops consuming, lets deliveries in progress finish (briefly), then closes; unacknowledged ones go back to the broker. */
  async close(): Promise<void> {
    if (this.closing) return this.loop ?? undefined;
    this.closing = true;
    for (const wake of this.sleepers) wake();
    const session = this.session;
    await session?.stopConsuming();
    // Also after a lost connection: a delivery may still be mid-transaction on the database the caller closes next.
    await drained([...this.inFlight], DRAIN_ON_CLOSE_MS);
    await session?.close();
    await this.loop;
    this.setState('closed');
  }

  private async run(): Promise<void> {
    const delays = this.opts.reconnectDelaysMs ?? [1_000, 2_000, 5_000];
    let attempt = 0;
    let connectedBefore = false;
    while (!this.closing) {
      try {
        const session = await AmqpSession.open({
          url: this.opts.url,
          prefetch: this.opts.prefetch,
          queues: [...this.routes.keys()],
          connectTimeoutMs: this.opts.connectTimeoutMs ?? 5_000,
          onDelivery: (queue, msg, s) => this.onDelivery(queue, msg, s),
          onWarning: (message, err) => this.log.warn({ err }, message),
        });
        if (this.closing) {
          await session.close();
          break;
        }
        this.session = session;
        attempt = 0;
        if (connectedBefore) this.counts.reconnects += 1;
        connectedBefore = true;
        this.setState('connected');
        this.log.info({ queues: [...this.routes.keys()], prefetch: this.opts.prefetch }, 'bridge consuming');
        const reason = await session.ended;
        this.session = null;
        await session.close();
        if (this.closing) break;
        this.lastError = reason?.message ?? 'connection closed';
        this.log.warn({ reason: this.lastError }, 'bridge lost its connection; reconnecting');
      } catch (err) {
        this.lastError = err instanceof Error ? err.message : String(err);
        // A line when the broker goes missing and about one a minute while it stays away, not one per attempt.
        if (attempt % 12 === 0) this.log.warn({ reason: this.lastError, attempt }, 'bridge could not connect');
      }
      if (this.closing) break;
      this.setState(connectedBefore ? 'reconnecting' : 'connecting');
      await this.pause(delays[Math.min(attempt, delays.length - 1)] ?? 5_000);
      attempt += 1;
    }
  }

  private onDelivery(queue: string, msg: ConsumeMessage, session: AmqpSession): void {
    if (msg.fields.redelivered) this.counts.redelivered += 1;
    const prepare = this.routes.get(queue);
    const prepared: Prepared = prepare ? prepare(msg.content) : { ok: false, reason: `no route for queue ${queue}` };
    const task = prepared.ok
      ? this.serial.run(prepared.key, () => this.process(session, queue, msg, prepared.run))
      : this.deadLetter(session, queue, msg, prepared.reason);
    this.inFlight.add(task);
    void task.finally(() => this.inFlight.delete(task));
  }

  private async process(session: AmqpSession, queue: string, msg: ConsumeMessage, run: () => Promise<unknown>): Promise<void> {
    // The broker took this delivery back when the channel went; the next session processes it.
    if (!session.isLive) return;
    try {
      await run();
    } catch (err) {
      const verdict = await classifyFailure(err, this.deps.db);
      if (verdict.kind === 'dead-letter') {
        if (verdict.unexpected) this.log.error({ err, queue }, 'bridge: unexpected error processing a delivery');
        return this.deadLetter(session, queue, msg, verdict.reason);
      }
      return this.requeueLater(session, queue, msg, verdict.reason);
    }
    this.failingSince = null;
    // Committed: if the ack is lost with the connection, the redelivery is recognised by its external id.
    if (session.ack(msg)) this.counts.acked += 1;
  }

  private async deadLetter(session: AmqpSession, queue: string, msg: ConsumeMessage, reason: string): Promise<void> {
    if (!session.isLive) return;
    try {
      await session.deadLetter(queue, msg, reason);
    } catch (err) {
      this.log.warn({ err, queue }, 'bridge could not dead-letter a delivery; it will be redelivered');
      return;
    }
    this.log.warn({ queue, reason }, 'bridge dead-lettered a delivery');
    if (session.ack(msg)) this.counts.deadLettered += 1;
  }

  private async requeueLater(session: AmqpSession, queue: string, msg: ConsumeMessage, reason: string): Promise<void> {
    const delay = this.retryDelay();
    this.log.warn({ queue, reason, delayMs: delay }, 'bridge will requeue a delivery after a passing failure');
    await this.pause(delay);
    if (session.requeue(msg)) this.counts.requeued += 1;
  }

  /**
   * The pause grows with the length of the outage rather than with the number of failed
   * deliveries: with many deliveries in flight a per-failure doubling would jump to the cap at
   * once, and a fixed pause would have every delivery retried every second for as long as the
   * database is down.
   */
  private retryDelay(): number {
    const now = Date.now();
    this.failingSince ??= now;
    return Math.min(Math.max(this.opts.retryDelayMs, now - this.failingSince), MAX_RETRY_DELAY_MS);
  }

  /** A sleep that close() cuts short. */
  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.sleepers.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.sleepers.add(done);
    });
  }

  private setState(state: BridgeState): void {
    if (this.state === state) return;
    this.state = state;
    this.since = new Date();
  }
}

function route<T>(schema: z.ZodType<T>, key: (value: T) => string, handle: (value: T) => Promise<unknown>): (body: Buffer) => Prepared {
  return (body) => {
    const parsed = parseBridgeMessage(schema, body);
    if (!parsed.ok) return parsed;
    const value = parsed.value;
    return { ok: true, key: key(value), run: () => handle(value) };
  };
}

/** Waits for the tasks to settle, or for `ms`, whichever comes first. */
async function drained(tasks: Promise<unknown>[], ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, ms);
  });
  await Promise.race([Promise.allSettled(tasks), timeout]);
  clearTimeout(timer);
}
