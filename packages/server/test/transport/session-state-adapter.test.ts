import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';

import { defaultServer as S } from '@switchboard/protocol';
import { Server } from 'socket.io';
import { SessionAwareAdapter } from 'socket.io-adapter';
import { io as connect, type Socket as ClientSocket } from 'socket.io-client';
import { afterEach, describe, expect, it } from 'vitest';

import { SessionStateAdapter } from '../../src/transport/session-state-adapter';
import { nextEvent } from '../support/events';

/**
 * What a recovering adapter keeps, read through its own recovery API: the packets a socket that
 * comes back after `offset` would be given (persistSession + restoreSession, as Socket.IO does).
 */
async function keptAfter(io: Server, sid: string, pid: string, offset: string): Promise<string[]> {
  const adapter = io.of('/').adapter as SessionAwareAdapter;
  adapter.persistSession({ sid, pid, rooms: [sid, 'staff'], data: {} });
  const session = await adapter.restoreSession(pid, offset);
  return (session?.missedPackets ?? []).map((p: unknown[]) => p[0] as string);
}

describe('SessionStateAdapter (connection state recovery without per-socket session state)', () => {
  let http: HttpServer | null = null;
  let io: Server | null = null;
  let client: ClientSocket | null = null;

  afterEach(async () => {
    client?.disconnect();
    const server = io;
    if (server) await new Promise<void>((resolve) => void server.close(() => resolve()));
    http = io = client = null;
  });

  async function start(adapter: typeof SessionAwareAdapter): Promise<{ sid: string; pid: string; offset: string; authOffset: unknown }> {
    http = createServer();
    io = new Server(http, { connectionStateRecovery: { maxDisconnectionDuration: 60_000 }, adapter });
    const server = io;
    const ids = new Promise<{ sid: string; pid: string }>((resolve) =>
      server.on('connection', (socket) => resolve({ sid: socket.id, pid: (socket as unknown as { pid: string }).pid })),
    );
    await new Promise<void>((resolve) => http!.listen(0, '127.0.0.1', resolve));
    client = connect(`http://127.0.0.1:${(http.address() as AddressInfo).port}`, { transports: ['websocket'], reconnection: false });
    const { sid, pid } = await ids;
    // A broadcast first: its offset is where a returning client would resume from.
    const marker = nextEvent<string>(client, 'marker');
    server.emit('marker', 'm');
    await marker;
    const offset = (client as unknown as { _lastOffset: string })._lastOffset;
    const socket = server.of('/').sockets.get(sid)!;
    await socket.join('staff');
    // The offset a client takes from `authenticated` (the last argument of a stored packet).
    let authOffset: unknown;
    client.once(S.authenticated.name, (_payload: unknown, off: unknown) => (authOffset = off));
    const heard = Promise.all(
      [S.authenticated.name, S.presence_snapshot.name, S.agent_online.name, 'note'].map((event) => nextEvent(client!, event)),
    );
    socket.emit(S.authenticated.name, { userId: 'u1' });
    socket.emit(S.presence_snapshot.name, { accountId: 'acme', statuses: { u1: 'online' } });
    server.to('staff').emit(S.agent_online.name, { userId: 'u2', status: 'online' });
    socket.emit('note', { text: 'history' });
    await heard;
    return { sid, pid, offset, authOffset };
  }

  it('delivers authenticated, presence_snapshot and agent_online but keeps none of them for recovery; the rest is kept', async () => {
    const { sid, pid, offset } = await start(SessionStateAdapter);
    expect(await keptAfter(io!, sid, pid, offset)).toEqual(['note']);
  });

  it('keeps the offset that authenticated gave, so a client that heard nothing else can still recover', async () => {
    const { sid, pid, authOffset } = await start(SessionStateAdapter);
    expect(typeof authOffset).toBe('string');
    expect(await keptAfter(io!, sid, pid, authOffset as string)).toEqual(['note']);
  });

  it('differs from Socket.IO’s own adapter, which keeps every event, to one socket or to a room', async () => {
    const { sid, pid, offset } = await start(SessionAwareAdapter);
    expect(await keptAfter(io!, sid, pid, offset)).toEqual([S.authenticated.name, S.presence_snapshot.name, S.agent_online.name, 'note']);
  });
});
