import type { Logger } from '../log';

interface CountedServer {
  engine: {
    clientsCount: number;
    on(event: 'connection', listener: (socket: { once(event: 'close', listener: () => void): void }) => void): unknown;
  };
}

/**
 * One info line a minute while anything happens: connections open now, and
 * how many opened and closed during the minute (Engine.IO connections, so a
 * client with several namespaces counts once). Silent while idle.
 */
export function logConnectionCounts(io: CountedServer, log: Logger, everyMs = 60_000): () => void {
  let opened = 0;
  let closed = 0;
  let lastOpen = -1;
  io.engine.on('connection', (socket) => {
    opened++;
    socket.once('close', () => closed++);
  });
  const timer = setInterval(() => {
    const open = io.engine.clientsCount;
    if (opened || closed || open !== lastOpen) log.info({ open, opened, closed, perMs: everyMs }, 'connections');
    lastOpen = open;
    opened = 0;
    closed = 0;
  }, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
