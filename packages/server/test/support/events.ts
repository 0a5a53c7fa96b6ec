import type { Socket as ClientSocket } from 'socket.io-client';

/** Resolves with the next `event` on `socket` that matches, or rejects after `ms`. */
export function nextEvent<T = any>(
  socket: ClientSocket,
  event: string,
  match: (payload: T) => boolean = () => true,
  ms = 5_000,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.off(event, listener);
      reject(new Error(`no "${event}" within ${ms} ms`));
    }, ms);
    const listener = (payload: T) => {
      if (!match(payload)) return;
      clearTimeout(timer);
      socket.off(event, listener);
      resolve(payload);
    };
    socket.on(event, listener);
  });
}

/** Records every event a socket receives, with its name, in order. */
export function record(socket: ClientSocket): Array<{ event: string; payload: any }> {
  const seen: Array<{ event: string; payload: any }> = [];
  socket.onAny((event: string, payload: unknown) => seen.push({ event, payload }));
  return seen;
}

/** Emits with an ack and resolves with the answer. */
export function ask<T = any>(
  socket: ClientSocket,
  event: string,
  payload?: unknown,
  ms = 5_000,
): Promise<{ ok: boolean; data?: T; error?: { code: string; message: string; details?: any } }> {
  return socket.timeout(ms).emitWithAck(event, payload);
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Waits until `check` holds, polling; for state reached through several async hops. */
export async function until(check: () => boolean, ms = 5_000, what = 'condition'): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}
