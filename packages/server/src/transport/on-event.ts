import type { z } from 'zod';
import type { Ack, EventDef } from '@switchboard/protocol';
import { AppError, toErrorPayload } from '../errors';
import type { Logger } from '../log';
import type { RateLimiter } from '../cluster/rate-limiter';
import type { TenantGate } from '../cluster/tenant-gate';
import type { AppSocket } from './socket-types';
import { eventCost } from './write-costs';

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

/**
 * Registers one client event: checks authentication, size and rate, parses the
 * payload with the catalogue's schema, runs the handler, then answers. With a
 * callback the answer is `{ ok, data | error }`; without one a failure is an
 * `error` event. The handler only ever sees a typed, valid payload.
 */
export function onEvent<S extends z.ZodType>(
  deps: OnEventDeps,
  socket: AppSocket,
  def: EventDef<string, S>,
  handler: EventHandler<S>,
  opts: { beforeAuth?: boolean } = {},
): void {
  socket.on(def.name, async (...args: unknown[]) => {
    const ack = typeof args[args.length - 1] === 'function' ? (args.pop() as (res: Ack) => void) : undefined;
    try {
      if (!opts.beforeAuth && !socket.data.authenticated) {
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
      const run = () => handler(parsed.data as z.output<S>, socket);
      const data = deps.tenantGate && socket.data.authenticated ? await deps.tenantGate.run(socket.data.accountId, run) : await run();
      deps.onHandled?.(def.name, 'ok');
      ack?.(data === undefined ? { ok: true } : { ok: true, data });
    } catch (err) {
      const error = toErrorPayload(err, deps.log, def.name);
      deps.onHandled?.(def.name, error.code);
      if (ack) ack({ ok: false, error });
      else if (socket.connected) socket.emit('error', error);
    }
  });
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
