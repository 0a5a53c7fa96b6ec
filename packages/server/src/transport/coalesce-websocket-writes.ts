import type { Socket } from 'node:net';

import type { Server } from 'socket.io';

/** Engine.IO's websocket transport, as far as this module touches it (none of it is typed by engine.io). */
interface EioTransport {
  name: string;
  /** The `ws` WebSocket, and under it the TCP socket. */
  socket?: { _socket?: Socket };
  send(this: EioTransport, packets: unknown[]): void;
  doClose(this: EioTransport, fn?: () => void): void;
  /** Batches handed to `send` this turn of the event loop after its first, not written yet. */
  [PENDING]?: unknown[][];
  /** The turn in which this transport last wrote at once. */
  [WROTE_IN]?: number;
  /** Answers its client awaits (see {@link holdWrites}): while any does, no batch is written at once. */
  [HELD]?: number;
}

const PENDING = Symbol('pending websocket batches');
const WROTE_IN = Symbol('turn of the last immediate write');
const HELD = Symbol('answers awaited');
const patched = new WeakSet<object>();

/** Transports with batches waiting for the end of this turn of the event loop. */
let dirty: EioTransport[] = [];
/** Counts turns of the event loop in which something was sent (advanced by the end-of-turn write). */
let turn = 0;
let scheduled = false;

/**
 * Writes what each WebSocket connection is sent during one turn of the event loop in at most two
 * system calls.
 *
 * Engine.IO hands every packet to its transport at once, and `ws` writes each frame with its own
 * `writev`: a broadcast to 2,000 sockets is 2,000 system calls, and eight broadcasts that land in the
 * same turn (the HTTP requests of a burst, the commits of one group) are 16,000. In the fan-out
 * profile that `writev` was half of the server's busy time (docs/decisions.md, "Fan-out ahead of the
 * naive server").
 *
 * Here the first batch a connection is sent in a turn is written at once, as before: a lone
 * broadcast reaches its first recipients while the server is still writing to the others. Every
 * later batch of that turn waits for the end of the turn (`setImmediate`), when all of a
 * connection's waiting batches are written with its TCP socket corked, in one `writev`. Eight
 * broadcasts in a turn cost two system calls per connection instead of eight. A batch of several
 * packets (Engine.IO's queue after a write in flight: a storm of presence announcements) is always
 * written corked, in one call. Nothing else changes:
 * - order: once a batch waits, every later one of the connection waits behind it, in the order
 *   Engine.IO sent them; closing the transport writes what waits first (an error event before a
 *   disconnect arrives);
 * - one `send` per batch still, so Engine.IO's drain callbacks and sent-callbacks stay paired;
 * - the transport stays writable while its batches wait, so volatile packets (typing) are not
 *   dropped for a write that has not started;
 * - a frame waits at most for the rest of the turn it was sent in (the I/O callbacks already due).
 */
export function coalesceWebSocketWrites(io: Server): void {
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

/**
 * While the client of `socket` awaits an answer (a `send_message` waiting for its commit), every frame
 * for it waits for the end of its turn of the event loop instead of the first being written at once.
 * A send's commit makes, in one turn, the sender's own copy of the broadcast and then its reply and
 * ack: three frames that otherwise left in two `writev`s (the copy at once, the answer at the end of
 * the turn), now in one. At 1,000 messages a second with six listeners that is one system call in
 * eight (docs/decisions.md, "One tenant at 1,000 msg/s"). A frame waits at most for the rest of its
 * turn, as every later frame of a turn already does; the order of frames is unchanged.
 *
 * Returns the release, to call once the answer is handed to the socket, before it is emitted: an
 * answer that finds nothing waiting is then written at once, as before. Releasing twice is harmless.
 * A socket on another transport than a patched websocket is not held.
 */
export function holdWrites(socket: { conn?: { transport?: unknown } }): () => void {
  const transport = socket.conn?.transport as EioTransport | undefined;
  if (!transport || !patched.has(Object.getPrototypeOf(transport) as object)) return noop;
  transport[HELD] = (transport[HELD] ?? 0) + 1;
  let released = false;
  return () => {
    if (released) return;
    released = true;
    transport[HELD] = Math.max(0, (transport[HELD] ?? 1) - 1);
  };
}

const noop = () => {};

function patchPrototype(proto: EioTransport): void {
  if (patched.has(proto)) return;
  patched.add(proto);
  // Called with the transport as `this` below.
  // eslint-disable-next-line @typescript-eslint/unbound-method
  const send = proto.send;
  // eslint-disable-next-line @typescript-eslint/unbound-method
  const doClose = proto.doClose;

  /** Writes batches in one system call: ws writes each frame on its own unless the socket is corked. */
  const writeNow = (t: EioTransport, batches: unknown[][]) => {
    const tcp = t.socket?._socket;
    // Gone meanwhile: Engine.IO drops what is sent to a closed connection, so do we.
    if (tcp?.destroyed) return;
    // A lone frame is one write anyway (ws corks a frame's header and body itself).
    if (!tcp || (batches.length === 1 && batches[0]?.length === 1)) {
      for (const packets of batches) send.call(t, packets);
      return;
    }
    tcp.cork();
    try {
      for (const packets of batches) send.call(t, packets);
    } finally {
      tcp.uncork();
    }
  };

  const writeOut = (t: EioTransport) => {
    const batches = t[PENDING];
    if (!batches) return;
    t[PENDING] = undefined;
    writeNow(t, batches);
  };

  const writeAll = () => {
    scheduled = false;
    turn += 1;
    const due = dirty;
    dirty = [];
    // One connection's failure must not cost the others their frames; it is raised after them.
    let failure: { err: unknown } | undefined;
    for (const t of due) {
      try {
        writeOut(t);
      } catch (err) {
        failure ??= { err };
      }
    }
    if (failure) throw failure.err;
  };

  const endOfTurn = () => {
    if (scheduled) return;
    scheduled = true;
    setImmediate(writeAll);
  };

  proto.send = function (this: EioTransport, packets: unknown[]) {
    const pending = this[PENDING];
    if (pending) {
      pending.push(packets);
      return;
    }
    endOfTurn();
    if (this[WROTE_IN] !== turn && !this[HELD]) {
      this[WROTE_IN] = turn;
      writeNow(this, [packets]);
      return;
    }
    this[PENDING] = [packets];
    dirty.push(this);
  };

  proto.doClose = function (this: EioTransport, fn?: () => void) {
    writeOut(this);
    doClose.call(this, fn);
  };
}
