import type { Socket } from 'node:net';

import type { Server } from 'socket.io';

interface EioTransport {
  name: string;
  socket?: { _socket?: Socket };
  send(this: EioTransport, packets: unknown[]): void;
}

const patched = new WeakSet<object>();

/**
 * Engine.IO writes each packet of a batch as its own WebSocket frame, and ws flushes each frame
 * with its own syscall. A socket gets a batch when packets arrive while its previous write is in
 * flight: a storm of presence announcements, a burst of broadcasts. Corking the TCP socket around
 * the batch sends it in one `writev`: measured in the reconnect-storm bench, where the syscalls
 * of per-frame writes were the largest single cost of the server. Frames and order are unchanged.
 */
export function corkWebSocketBatches(io: Server): void {
  // Engine.IO's websocket transport class is reached through a live connection: it is not a
  // dependency of ours, only of socket.io.
  // Once it is patched, a connection costs nothing more: no listener per connection (idle memory).
  let done = false;
  const patch = (transport: EioTransport) => {
    if (done || transport.name !== 'websocket') return;
    patchPrototype(Object.getPrototypeOf(transport) as EioTransport);
    done = true;
  };
  io.engine.on('connection', (conn: { transport: EioTransport; once(event: 'upgrade', fn: (t: EioTransport) => void): void }) => {
    patch(conn.transport);
    if (!done) conn.once('upgrade', patch);
  });
}

function patchPrototype(proto: EioTransport): void {
  if (patched.has(proto)) return;
  patched.add(proto);
  // Called with the transport as `this` below.
  // eslint-disable-next-line @typescript-eslint/unbound-method
  const send = proto.send;
  proto.send = function (this: EioTransport, packets: unknown[]) {
    const tcp = packets.length > 1 ? this.socket?._socket : undefined;
    if (!tcp) return send.call(this, packets);
    tcp.cork();
    try {
      send.call(this, packets);
    } finally {
      tcp.uncork();
    }
  };
}
