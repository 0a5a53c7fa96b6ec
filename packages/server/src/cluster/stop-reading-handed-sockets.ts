import type { Server as HttpServer } from 'node:http';
import type { Socket } from 'node:net';

/** A TCP socket's libuv handle, as Node's child_process reaches it to pass a socket to a worker. */
type Handle = { readStop?: () => number };

/**
 * In the primary of `WORKERS` > 1, beside @socket.io/sticky's `setupMaster` (call it after, so this
 * runs after sticky's own `connection` listener): stops the primary reading a connection the moment
 * sticky decides to hand its socket to a worker.
 *
 * Sticky reads the first chunk of each connection (the request line and headers) and, for a request
 * without a body, sends the socket's handle to the chosen worker. Node then sets the primary's copy
 * of the handle to discard what it reads, but keeps it open, and reading, until the worker
 * acknowledges. Both processes then poll the same descriptor, and bytes the primary's copy reads in
 * that window are dropped: on a loaded machine the first WebSocket frame after the upgrade — the
 * client's Socket.IO CONNECT — was lost that way, so the session never started and the client sat
 * until Socket.IO's connect timeout (45 s). Seen as one `WORKERS=2` test run in three or five in
 * which an agent never came online (docs/decisions.md, "Connections at scale").
 */
export function stopReadingHandedSockets(http: HttpServer): void {
  http.on('connection', (socket: Socket) => {
    socket.prependOnceListener('data', (chunk: Buffer) => {
      // Sticky's own test, on the same bytes: a request that may continue in further chunks stays
      // with the primary, which forwards them; any other is handed over whole.
      const header = chunk
        .subarray(0, chunk.indexOf(Buffer.from('\r\n\r\n')))
        .toString()
        .toLowerCase();
      if (header.includes('content-length:') || header.includes('transfer-encoding:')) return;
      (socket as unknown as { _handle?: Handle | null })._handle?.readStop?.();
    });
  });
}
