import { type AckDataOf, defaultClient, type ErrorPayload, type EventDef, type PayloadOf } from '@switchboard/protocol';
import type { Socket as ClientSocket } from 'socket.io-client';

/**
 * The test helpers every package's tests share (packages/client imports them too): wait for an event,
 * for a state, or for a round trip, never for a length of time. Events are named by the catalogue
 * (`nextEvent(socket, S.new_message)` is typed with new_message's payload); a plain string is still
 * taken for names outside it (`connect`, `connect_error`, an internal emit's own event).
 */
export type EventName = EventDef | string;

/** The payload type of `E`: the catalogue's, or `Fallback` for a bare string. */
type Payload<E, Fallback = any> = E extends EventDef ? PayloadOf<E> : Fallback;

const nameOf = (event: EventName): string => (typeof event === 'string' ? event : event.name);

/**
 * Resolves with the next `event` on `socket` that matches, or rejects after `ms`.
 *
 * @example
 * const heard = nextEvent(agent, S.new_message, (p) => p.conversationId === id);
 * await ask(customer, C.send_message, { conversationId: id, content: 'hi' });
 * expect((await heard).message.content).toBe('hi');
 */
export function nextEvent<E extends EventName, T = Payload<E>>(
  socket: ClientSocket,
  event: E,
  match: (payload: T) => boolean = () => true,
  ms = 5_000,
): Promise<T> {
  const name = nameOf(event);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.off(name, listener);
      reject(new Error(`no "${name}" within ${ms} ms`));
    }, ms);
    const listener = (payload: T) => {
      if (!match(payload)) return;
      clearTimeout(timer);
      socket.off(name, listener);
      resolve(payload);
    };
    socket.on(name, listener);
  });
}

/** Records every event a socket receives, with its name, in order. */
export function record(socket: ClientSocket): Array<{ event: string; payload: any }> {
  const seen: Array<{ event: string; payload: any }> = [];
  socket.onAny((event: string, payload: unknown) => seen.push({ event, payload }));
  return seen;
}

/** An ack as tests read it: `data` is typed by the catalogue's ack schema and is undefined unless `ok`. */
export interface AckOf<T> {
  ok: boolean;
  data: T;
  error?: ErrorPayload & { details?: any };
}

/** Emits with an ack and resolves with the answer. */
export function ask<E extends EventName, T = E extends EventDef ? AckDataOf<E> : any>(
  socket: ClientSocket,
  event: E,
  payload?: unknown,
  ms = 5_000,
): Promise<AckOf<T>> {
  return socket.timeout(ms).emitWithAck(nameOf(event), payload);
}

/**
 * A round trip on the default namespace (`ping`, answered in order): once it is back, every event
 * the server emitted to these sockets before it has arrived. A room broadcast leaves the server for
 * all its sockets at once, so after one socket heard it, `settled(others)` proves the others were
 * left out, with no window to guess.
 */
export async function settled(...sockets: ClientSocket[]): Promise<void> {
  await Promise.all(
    sockets.map(async (socket) => {
      const res = await ask(socket, defaultClient.ping, { timestamp: Date.now() });
      if (!res.ok) throw new Error(`ping refused: ${res.error?.code}`);
    }),
  );
}

/**
 * `settled` for namespaces without `ping`: any acked request is a round trip, answered after
 * everything the server sent the socket before it. What it answers (often a refusal) does not matter.
 */
export async function roundTrip(socket: ClientSocket, event: EventName, payload?: unknown): Promise<void> {
  await ask(socket, event, payload);
}

/**
 * Retries `check` until it returns without throwing (and not `false`), then returns what it
 * returned; at the deadline the last failure is thrown. For state reached through several async
 * hops with no event to wait for: a row written, a counter moved, a client's state.
 *
 * @example
 * await eventually(async () => expect((await t.http('GET', url)).body.events).toHaveLength(2));
 */
export async function eventually<T>(
  check: () => T | Promise<T>,
  { ms = 5_000, every = 10, what = 'condition' }: { ms?: number; every?: number; what?: string } = {},
): Promise<Exclude<T, false>> {
  const end = Date.now() + ms;
  for (;;) {
    let failure: unknown;
    try {
      const value = await check();
      if (value !== false) return value as Exclude<T, false>;
      failure = new Error(`timed out waiting for ${what}`);
    } catch (err) {
      failure = err;
    }
    if (Date.now() >= end) throw failure;
    await sleep(every);
  }
}

/** `eventually` for a boolean check: waits until `check()` is true. */
export async function until(check: () => boolean | Promise<boolean>, ms = 5_000, what = 'condition'): Promise<void> {
  await eventually(check, { ms, what });
}

/**
 * Asserts that nothing (or none of `only`) reaches the sockets for `ms`: the window IS the assertion,
 * for the rare case where no later event can serve as a barrier (see `settled`). Rejects with what
 * arrived.
 */
export async function quiet(ms: number, sockets: ClientSocket | ClientSocket[], only?: readonly EventName[]): Promise<void> {
  const names = only && new Set(only.map(nameOf));
  const heard: string[] = [];
  const listener = (event: string) => {
    if (!names || names.has(event)) heard.push(event);
  };
  const list = Array.isArray(sockets) ? sockets : [sockets];
  for (const s of list) s.onAny(listener);
  await sleep(ms);
  for (const s of list) s.offAny(listener);
  if (heard.length) throw new Error(`expected quiet for ${ms} ms, heard ${heard.join(', ')}`);
}

/**
 * A plain wait. Only for tests about time itself (a token's lifetime, a grace period, a rate window)
 * or for pacing load; each caller says why in a comment. Everything else waits for an event, a state
 * (`eventually`) or a round trip (`settled`).
 */
export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
