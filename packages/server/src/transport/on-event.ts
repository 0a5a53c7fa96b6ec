import type { Ack, EventDef } from '@switchboard/protocol';
import type { z } from 'zod';

import type { RateLimiter } from '../cluster/rate-limiter';
import type { TenantGate } from '../cluster/tenant-gate';
import { AppError, toErrorPayload } from '../errors';
import type { Logger } from '../log';
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

export type EventHandler<S extends z.ZodType> = (payload: z.output<S>, socket: AppSocket) => Promise<unknown> | unknown;

/** One client event of a surface: its catalogue entry, its handler, and whether it may come before authentication. */
interface EventRoute {
  def: EventDef<string, z.ZodType>;
  handler: EventHandler<z.ZodType>;
  beforeAuth: boolean;
}

/**
 * The client events of one surface, built once per server. A socket takes the whole table with
 * {@link onEvents}: one listener per socket instead of a listener, a handler closure and their
 * contexts per event and socket, which cost about 4 KiB per idle connection on the default
 * namespace (docs/decisions.md, "Memory per connection"). Handlers get the socket as an argument.
 *
 * @example
 * const table = new EventTable().on(C.ping, ({ timestamp }, socket) => ({ timestamp }));
 * io.on('connection', (socket) => onEvents(deps, socket, table));
 */
export class EventTable {
  private readonly routes = new Map<string, EventRoute>();

  on<S extends z.ZodType>(def: EventDef<string, S>, handler: EventHandler<S>, opts: { beforeAuth?: boolean } = {}): this {
    this.routes.set(def.name, {
      def: def,
      handler: handler,
      beforeAuth: opts.beforeAuth ?? false,
    });
    return this;
  }

  get(event: string): EventRoute | undefined {
    return this.routes.get(event);
  }
}

/**
 * Registers a table of client events on one socket: each checks authentication, size and rate,
 * parses the payload with the catalogue's schema, runs its handler, then answers. With a callback
 * the answer is `{ ok, data | error }`; without one a failure is an `error` event. A handler only
 * ever sees a typed, valid payload. Events the table does not name are ignored, as before.
 */
export function onEvents(deps: OnEventDeps, socket: AppSocket, table: EventTable): void {
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
const anyListeners = new WeakMap<
  EventTable,
  { deps: OnEventDeps; listener: (this: AppSocket, event: string, ...args: unknown[]) => void }
>();

/** Registers one client event (see {@link onEvents}); for surfaces that have not moved to a table. */
export function onEvent<S extends z.ZodType>(
  deps: OnEventDeps,
  socket: AppSocket,
  def: EventDef<string, S>,
  handler: EventHandler<S>,
  opts: { beforeAuth?: boolean } = {},
): void {
  const route: EventRoute = {
    def: def,
    handler: handler,
    beforeAuth: opts.beforeAuth ?? false,
  };
  socket.on(def.name, (...args: unknown[]) => handle(deps, socket, route, args));
}

async function handle(deps: OnEventDeps, socket: AppSocket, route: EventRoute, args: unknown[]): Promise<void> {
  const { def } = route;
  const ack = typeof args[args.length - 1] === 'function' ? (args.pop() as (res: Ack) => void) : undefined;
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
    const parsed = def.schema.safeParse(args[0]);
    if (!parsed.success) throw validationError(parsed.error);
    const run = () => route.handler(parsed.data, socket);
    const data =
      deps.tenantGate && socket.data.authenticated && tenantGated(def.name)
        ? await deps.tenantGate.run(socket.data.accountId, run)
        : await run();
    deps.onHandled?.(def.name, 'ok');
    ack?.(data === undefined ? { ok: true } : { ok: true, data });
  } catch (err) {
    const error = toErrorPayload(err, deps.log, def.name);
    deps.onHandled?.(def.name, error.code);
    if (ack) ack({ ok: false, error });
    else if (socket.connected) socket.emit('error', error);
  }
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
