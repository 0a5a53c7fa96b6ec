import type { SendHandle } from 'node:child_process';

import { setupWorker } from '@socket.io/sticky';

import type { Switchboard } from '../build-server';

type Held = [message: unknown, handle: SendHandle];

/** A worker's word to the primary that it serves now, with the banner the primary prints for all. */
export const WORKER_READY = 'switchboard:worker-ready';

export function isWorkerReady(message: unknown): message is { kind: typeof WORKER_READY; banner: string } {
  return (message as { kind?: unknown } | null)?.kind === WORKER_READY;
}

/** In a worker, once {@link serveFromPrimary} returned: the primary may hand it connections. */
export function tellPrimaryReady(banner: string): void {
  process.send?.({ kind: WORKER_READY, banner });
}
let held: Held[] | null = null;
const hold = (message: unknown, handle: Held[1]) => {
  if (isSticky(message)) held?.push([message, handle]);
};

function isSticky(message: unknown): boolean {
  const type = (message as { type?: unknown } | null)?.type;
  return typeof type === 'string' && type.startsWith('sticky:');
}

/**
 * In a worker, as early as possible: the primary hands connections over as soon as the worker
 * exists, and one arriving before the server is built would be dropped (the client would hang).
 * Such connections are kept until {@link serveFromPrimary} takes them.
 */
export function holdConnectionsFromPrimary(): void {
  if (held) return;
  held = [];
  process.on('message', hold);
}

/**
 * In a worker (`WORKERS` > 1): instead of listening, takes the connections the primary hands over
 * (@socket.io/sticky keeps each Engine.IO session on one worker, so polling clients work), first
 * those that arrived while the server was being built.
 */
export async function serveFromPrimary(server: Switchboard): Promise<void> {
  await server.app.ready();
  setupWorker(server.io);
  process.off('message', hold);
  const early = held ?? [];
  held = null;
  for (const [message, handle] of early) process.emit('message', message, handle);
}
