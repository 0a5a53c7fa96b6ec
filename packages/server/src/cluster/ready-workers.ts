import cluster, { type Worker } from 'node:cluster';
import type { Server as HttpServer } from 'node:http';
import type { Socket } from 'node:net';

import { isWorkerReady } from './serve-from-primary';

/** @socket.io/sticky's least-connection count, which it keeps on each Worker object. */
type CountedWorker = Worker & { clientsCount?: number };

const STARTING =
  'HTTP/1.1 503 Service Unavailable\r\nRetry-After: 1\r\nContent-Type: application/json\r\nContent-Length: 21\r\nConnection: close\r\n\r\n{"status":"starting"}';

/**
 * In the primary: which workers serve. A worker counts from its `WORKER_READY` message until it
 * exits. @socket.io/sticky (least connections) would hand a connection to a worker still loading,
 * whose IPC has no listener yet, and the connection would hang; so a worker that is not ready
 * carries an infinite connection count, and while no worker is ready every connection is answered
 * 503 at once instead of being handed over.
 */
export function routeOnlyToReadyWorkers() {
  const ready = new Set<number>();
  const waiters: Array<() => void> = [];
  let banner = '';
  cluster.on('fork', (worker: CountedWorker) => {
    worker.clientsCount = Number.POSITIVE_INFINITY;
  });
  cluster.on('message', (worker: CountedWorker, message: unknown) => {
    if (!isWorkerReady(message) || ready.has(worker.id)) return;
    ready.add(worker.id);
    worker.clientsCount = 0;
    banner ||= message.banner;
    waiters.splice(0).forEach((wake) => wake());
  });
  cluster.on('exit', (worker: Worker) => ready.delete(worker.id));

  return {
    /** Resolves with the first worker's banner once `count` workers serve. */
    async allReady(count: number): Promise<string> {
      while (ready.size < count) await new Promise<void>((resolve) => waiters.push(resolve));
      return banner;
    },
    /** Answers 503 at once while no worker serves (all died and restart), rather than handing the connection to none. */
    guard(http: HttpServer): void {
      const handlers = http.listeners('connection') as Array<(socket: Socket) => void>;
      http.removeAllListeners('connection');
      http.on('connection', (socket: Socket) => {
        if (ready.size > 0) return handlers.forEach((h) => h.call(http, socket));
        socket.on('error', () => socket.destroy());
        socket.once('data', () => socket.end(STARTING));
      });
    },
  };
}
