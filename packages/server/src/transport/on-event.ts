import type { Ack, EventDef } from '@switchboard/protocol';
import type { z } from 'zod';

import type { RateLimiter } from '../cluster/rate-limiter';
import type { TenantGate } from '../cluster/tenant-gate';
import { AppError, toErrorPayload } from '../errors';
import type { Logger } from '../log';
import { holdWrites } from './coalesce-websocket-writes';
import type { AppSocket } from './socket-types';
import { eventCost, tenantGated } from './write-costs';

export interface OnEventDeps {
  log: Logger;
  rateLimiter: RateLimiter;
  /** Runs an authenticated socket's handlers a few at a time per tenant. */
  tenantGate?: TenantGate;
  /** Largest accepted payload of one client event, in bytes of JSON. */
  maxPayloadBytes: number;
  onHandled?: (event: string, outcome: 'ok' | string) => void;
}

/** A client event's handler: the caller's context (a session) and the parsed payload in, the ack's `data` out. */
export type EventHandler<C, S extends z.ZodType, R = unknown> = (ctx: C, payload: z.output<S>) => R;

/** What the caller hears on its own socket besides the ack, rendered from the handler's result. */
export interface Reply {
  event: string;
  payload: unknown;
}

/** A reply of one catalogued event; the payload is checked against the catalogue at compile time. */
export function reply<S extends z.ZodType>(def: EventDef<string, S>, payload: z.input<S>): Reply {
  return { event: def.name, payload };
}

export interface RouteOptions<R> {
  /** Runs before authentication (the late `authenticate` of `LATE_AUTH_MS`). */
  beforeAuth?: boolean;
  /** Emitted to the caller after the handler, before the ack (`message_sent` on `/`, `ticket:subscribed` on `/tickets`). */
  reply?: (result: R) => Reply;
}

/** One client event of a surface: its catalogue entry, how to run its handler, and its options. */
interface EventRoute {
  def: EventDef<string, z.ZodType>;
  run(socket: AppSocket, payload: unknown): unknown;
  /** Absent for handlers of the socket itself, which no caller without one can run. */
  call?: (ctx: never, payload: unknown) => unknown;
  beforeAuth: boolean;
  reply?: ((result: never) => Reply) | undefined;
}

/** The typed calls a table offers a caller without a socket, one per event: input in, the ack's data out. */
type Call<S extends z.ZodType, R> = (input: z.input<S>) => Promise<Awaited<R>>;

/**
 * The client events of one surface, built once per server. A socket takes the whole table with
 * {@link onEvents}: one listener per socket instead of a listener, a handler closure and their
 * contexts per event and socket, which cost about 4 KiB per idle connection on the default
 * namespace (docs/decisions.md, "Memory per connection"). Handlers get a context made from the
 * socket by `contextOf` (a session: the actor and its rooms), so the same handlers run without a
 * socket through {@link caller}, as tRPC's `createCaller`.
 *
 * @example
 * const table = new EventTable((socket) => new SocketSession(services, socket))
 *   .on(C.mark_read, (session, { conversationId, messageId }) => messages.mark(session.actor, conversationId, messageId, 'read'));
 * io.on('connection', (socket) => onEvents(deps, socket, table));
 * await table.caller(new CallerSession(actor)).mark_read({ conversationId, messageId });
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export class EventTable<C, Calls = {}> {
  private readonly routes = new Map<string, EventRoute>();

  constructor(private readonly contextOf: (socket: AppSocket) => C) {}

  on<N extends string, S extends z.ZodType, R>(
    def: EventDef<N, S>,
    handler: EventHandler<C, S, R>,
    opts: RouteOptions<Awaited<R>> = {},
  ): EventTable<C, Calls & Record<N, Call<S, R>>> {
    const call = handler as (ctx: C, payload: unknown) => unknown;
    this.routes.set(def.name, {
      def,
      run: (socket, payload) => call(this.contextOf(socket), payload),
      call,
      beforeAuth: opts.beforeAuth ?? false,
      reply: opts.reply,
    });
    return this as unknown as EventTable<C, Calls & Record<N, Call<S, R>>>;
  }

  /** A handler of the socket itself (authentication, replay, token refresh): no caller can run it. */
  onSocket<S extends z.ZodType, R>(
    def: EventDef<string, S>,
    handler: EventHandler<AppSocket, S, R>,
    opts: RouteOptions<Awaited<R>> = {},
  ): this {
    this.routes.set(def.name, {
      def,
      run: handler,
      beforeAuth: opts.beforeAuth ?? false,
      reply: opts.reply,
    });
    return this;
  }

  get(event: string): EventRoute | undefined {
    return this.routes.get(event);
  }

  /**
   * The table's events as functions of `ctx`, for a caller that is not a socket: each parses its
   * input with the catalogue's schema (VALIDATION_FAILED or PAYLOAD_TOO_LARGE as on a socket) and
   * runs the same handler; failures reject with the same AppError. A socket's own gates
   * (authentication, size, rate) stay with the socket, as do replies.
   */
  caller(ctx: C): Calls {
    const calls: Record<string, (input: unknown) => Promise<unknown>> = {};
    for (const [name, route] of this.routes) {
      const call = route.call as ((ctx: C, payload: unknown) => unknown) | undefined;
      if (!call) continue;
      calls[name] = async (input) => call(ctx, parse(route.def, input));
    }
    return calls as Calls;
  }
}

/**
 * Registers a table of client events on one socket: each checks authentication, size and rate,
 * parses the payload with the catalogue's schema, runs its handler, then answers. With a callback
 * the answer is `{ ok, data | error }`; without one a failure is an `error` event. A handler only
 * ever sees a typed, valid payload. Events the table does not name are ignored, as before.
 */
export function onEvents<C>(deps: OnEventDeps, socket: AppSocket, table: EventTable<C, unknown>): void {
  let shared = anyListeners.get(table);
  if (shared?.deps !== deps) {
    // Socket.IO calls an any-listener with the socket as `this`: one function per table, not a closure per socket.
    const listener = function (this: AppSocket, event: string, ...args: unknown[]) {
      const route = table.get(event);
      if (route) void handle(deps, this, route, args);
    };
    shared = { deps, listener };
    anyListeners.set(table, shared);
  }
  socket.onAny(shared.listener);
}

/** The one any-listener of each table (idle memory: no closure and context per socket). */
const anyListeners = new WeakMap<object, { deps: OnEventDeps; listener: (this: AppSocket, event: string, ...args: unknown[]) => void }>();

async function handle(deps: OnEventDeps, socket: AppSocket, route: EventRoute, args: unknown[]): Promise<void> {
  const { def } = route;
  const ack = typeof args[args.length - 1] === 'function' ? (args.pop() as (res: Ack) => void) : undefined;
  // What the handler causes for this socket (a send's own copy of its broadcast) leaves with the answer, in one write.
  const release = ack || route.reply ? holdWrites(socket) : undefined;
  try {
    if (!route.beforeAuth && !socket.data.authenticated) {
      throw new AppError('MISSING_TOKEN', 'Authenticate first');
    }
    if (approximateSize(args[0]) > deps.maxPayloadBytes) {
      throw new AppError('PAYLOAD_TOO_LARGE', `Payloads are limited to ${deps.maxPayloadBytes} bytes`, {
        limit: deps.maxPayloadBytes,
      });
    }
    // One budget for every event, by its cost; before authentication only the socket's own.
    await deps.rateLimiter.consume(socket.data.authenticated ? socket : { id: socket.id, data: {} }, eventCost(def.name));
    const payload = parse(def, args[0]);
    const run = () => route.run(socket, payload);
    const data =
      deps.tenantGate && socket.data.authenticated && tenantGated(def.name)
        ? await deps.tenantGate.run(socket.data.accountId, run)
        : await run();
    release?.();
    if (route.reply && socket.connected) {
      const r = (route.reply as (result: unknown) => Reply)(data);
      socket.emit(r.event, r.payload);
    }
    deps.onHandled?.(def.name, 'ok');
    ack?.(data === undefined ? { ok: true } : { ok: true, data });
  } catch (err) {
    release?.();
    const error = toErrorPayload(err, deps.log, def.name);
    deps.onHandled?.(def.name, error.code);
    if (ack) ack({ ok: false, error });
    else if (socket.connected) socket.emit('error', error);
  }
}

function parse(def: EventDef<string, z.ZodType>, payload: unknown): unknown {
  const parsed = def.schema.safeParse(payload);
  if (!parsed.success) throw validationError(parsed.error);
  return parsed.data;
}

/** Too-long content is PAYLOAD_TOO_LARGE, not a generic validation failure. */
function validationError(error: z.ZodError): AppError {
  const tooBig = error.issues.find((i) => i.code === 'too_big' && i.origin === 'string');
  const details = { issues: error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })) };
  if (tooBig) return new AppError('PAYLOAD_TOO_LARGE', `${tooBig.path.join('.') || 'payload'} is too long`, details);
  return new AppError('VALIDATION_FAILED', 'The payload is not valid', details);
}

function approximateSize(value: unknown): number {
  if (value === undefined || value === null) return 0;
  if (typeof value === 'string') return value.length * 2;
  if (Buffer.isBuffer(value)) return value.length;
  try {
    return Buffer.byteLength(JSON.stringify(value));
  } catch {
    return Number.POSITIVE_INFINITY;
  }
}
