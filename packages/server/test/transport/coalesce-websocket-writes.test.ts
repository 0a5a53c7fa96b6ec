import { createServer } from 'node:http';
import type { AddressInfo, Socket as TcpSocket } from 'node:net';

import { Server, type Socket } from 'socket.io';
import { io as connectClient, type Socket as ClientSocket } from 'socket.io-client';
import { afterEach, describe, expect, it } from 'vitest';

import { coalesceWebSocketWrites, holdWrites } from '../../src/transport/coalesce-websocket-writes';
import { nextEvent, record, until } from '../support/events';

interface Rig {
  io: Server;
  clients: ClientSocket[];
  /** Server side of each client, by client socket id. */
  peers: Map<string, Socket>;
}

let rig: Rig | null = null;

afterEach(async () => {
  for (const c of rig?.clients ?? []) c.close();
  await rig?.io.close();
  rig = null;
});

async function start(clientCount: number): Promise<Rig> {
  const http = createServer();
  const io = new Server(http, { perMessageDeflate: false });
  coalesceWebSocketWrites(io);
  const peers = new Map<string, Socket>();
  io.on('connection', (socket) => {
    void socket.join('room');
    peers.set(socket.id, socket);
    socket.on('echo', (n: number, ack: (n: number) => void) => ack(n));
    // A request answered in a later turn, after a broadcast it caused (as a send is answered after its commit).
    socket.on('send', (n: number, held: boolean, ack: (n: number) => void) => {
      const release = held ? holdWrites(socket) : () => {};
      setImmediate(() => {
        io.to('room').emit('tick', n);
        release();
        socket.emit('sent', n);
        ack(n);
      });
    });
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  const clients = Array.from({ length: clientCount }, () => connectClient(url, { transports: ['websocket'], forceNew: true }));
  await Promise.all(clients.map((c) => nextEvent(c, 'connect')));
  await until(() => peers.size === clientCount, 2_000, 'server sockets');
  rig = { io, clients, peers };
  return rig;
}

/** The one client of a rig and its server side. */
function sole(r: Rig): { client: ClientSocket; peer: Socket } {
  const client = r.clients[0];
  const peer = [...r.peers.values()][0];
  if (!client || !peer) throw new Error('the rig has no client');
  return { client, peer };
}

/** Counts the system-call-level writes (`_write`/`_writev`) of a server socket's TCP connection. */
function countWrites(peer: Socket): { count: number } {
  const tcp = (peer.conn.transport as unknown as { socket: { _socket: TcpSocket } }).socket._socket;
  const counter = { count: 0 };
  const wrap = (name: '_write' | '_writev') => {
    const original = tcp[name] as (...args: unknown[]) => void;
    (tcp as unknown as Record<string, unknown>)[name] = function (this: TcpSocket, ...args: unknown[]) {
      counter.count += 1;
      return original.apply(this, args);
    };
  };
  wrap('_write');
  wrap('_writev');
  return counter;
}

/**
 * Lets the write callbacks of what was just written run (they come on `process.nextTick`), so the
 * transports are writable again, while staying in the same turn of the event loop: nothing here
 * lets `setImmediate` callbacks run. What is sent next is what a later callback of the same turn
 * would send (another HTTP request, another commit).
 */
async function writeCallbacks(peers: Iterable<Socket>): Promise<void> {
  const writable = () => [...peers].every((p) => (p.conn.transport as unknown as { writable: boolean }).writable);
  for (let i = 0; i < 20 && !writable(); i += 1) await new Promise<void>((resolve) => process.nextTick(resolve));
  if (!writable()) throw new Error('the transports did not become writable within the turn');
}

describe('coalesceWebSocketWrites', () => {
  it('writes the broadcasts of one turn to each connection in two writes, every frame in order', async () => {
    const { io, clients, peers } = await start(3);
    const seen = clients.map((c) => record(c));
    const writes = [...peers.values()].map(countWrites);
    for (let n = 0; n < 8; n += 1) {
      io.to('room').emit('tick', n);
      await writeCallbacks(peers.values());
    }
    await until(() => seen.every((s) => s.length === 8), 2_000, 'eight ticks everywhere');
    for (const s of seen) expect(s.map((e) => e.payload)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    // The first at once, the seven others together at the end of the turn; without coalescing,
    // eight writes (each broadcast finds the transport writable and writes on its own).
    for (const w of writes) expect(w.count).toBe(2);
  });

  it('writes a batch of several packets, first of its turn, in one write', async () => {
    const { client, peer } = sole(await start(1));
    const seen = record(client);
    const writes = countWrites(peer);
    await new Promise((resolve) => setImmediate(resolve));
    // Engine.IO's queue after a write in flight, handed over in one batch (socket.io's EVENT packets).
    const transport = peer.conn.transport as unknown as { send(packets: unknown[]): void };
    transport.send([1, 2, 3].map((n) => ({ type: 'message', data: `2["tick",${n}]`, options: {} })));
    await until(() => seen.length === 3, 2_000, 'three ticks');
    expect(seen.map((e) => e.payload)).toEqual([1, 2, 3]);
    expect(writes.count).toBe(1);
  });

  it('keeps broadcasts, direct emits and acknowledgements of one connection in the order they were sent', async () => {
    const r = await start(1);
    const { client, peer } = sole(r);
    const seen = record(client);
    const acked = client.emitWithAck('echo', 42);
    peer.once('echo', () => {
      // Runs before the ack is sent: a broadcast and a direct emit, then the ack, all in one turn.
      r.io.to('room').emit('tick', 'broadcast');
      peer.emit('tick', 'direct');
    });
    expect(await acked).toBe(42);
    // The ack was written after both events, so they are already here.
    expect(seen.map((e) => e.payload)).toEqual(['broadcast', 'direct']);
  });

  it('writes what waits before a connection is closed in the same turn', async () => {
    const { client, peer } = sole(await start(1));
    const seen = record(client);
    const gone = nextEvent<string>(client, 'disconnect');
    peer.emit('tick', 'first');
    await writeCallbacks([peer]);
    peer.emit('tick', 'last words');
    peer.disconnect(true);
    await gone;
    expect(seen.map((e) => e.payload)).toEqual(['first', 'last words']);
  });

  it('does not drop a volatile emit that follows a waiting one in the same turn', async () => {
    const { io, clients, peers } = await start(2);
    const seen = clients.map((c) => record(c));
    io.to('room').emit('tick', 'first');
    await writeCallbacks(peers.values());
    io.to('room').emit('tick', 'kept');
    io.to('room').volatile.emit('tick', 'volatile');
    await until(() => seen.every((s) => s.length === 3), 2_000, 'the three emits everywhere');
    for (const s of seen) expect(s.map((e) => e.payload)).toEqual(['first', 'kept', 'volatile']);
  });

  it('writes what a request caused and its answer in one write while the client awaits the answer', async () => {
    const { client, peer } = sole(await start(1));
    const seen = record(client);
    const writes = countWrites(peer);
    await new Promise((resolve) => setImmediate(resolve));
    // Not held: the broadcast is written at once, the reply and the ack at the end of the turn.
    expect(await client.emitWithAck('send', 1, false)).toBe(1);
    expect(writes.count).toBe(2);
    // Held: the broadcast waits for the end of its turn, and the reply and the ack join it.
    expect(await client.emitWithAck('send', 2, true)).toBe(2);
    expect(writes.count).toBe(3);
    expect(seen.map((e) => [e.event, e.payload])).toEqual([
      ['tick', 1],
      ['sent', 1],
      ['tick', 2],
      ['sent', 2],
    ]);
    // Released: the next frame of a turn is written at once again.
    peer.emit('tick', 3);
    await until(() => seen.length === 5, 2_000, 'the last tick');
    expect(writes.count).toBe(4);
  });
});
