/**
 * Baseline `naive-000`: the Socket.IO server of seed 000 as the seed writes it.
 * JWT from `handshake.auth.token` (HS256, here verified with jose), auto-join of
 * `ws:{workspaceId}`, `join_conversation` / `leave_conversation` with no check,
 * default Socket.IO options, no persistence. `send_message` (not in the seed)
 * emits the seed's `new_message` for the chat-latency scenario. The seed's socket service
 * (`emitToWorkspace`) is reachable over a tiny HTTP endpoint so that the bench's
 * load generator can drive it exactly as it drives Switchboard's `/internal/emit`.
 *
 * Env: PORT (default 3100), JWT_SECRET, INTERNAL_API_KEY (checked when set).
 *
 * @example
 * curl -XPOST localhost:3100/emit -H 'content-type: application/json' \
 *   -d '{"workspaceId":"acme","event":"credits_updated","payload":{"balance":1}}'
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';

import { type JWTPayload, jwtVerify } from 'jose';
import { Server } from 'socket.io';

const port = Number(process.env.PORT ?? 3100);
const secret = new TextEncoder().encode(process.env.JWT_SECRET ?? 'dev-secret');
const internalKey = process.env.INTERNAL_API_KEY ?? '';

async function verifyAccessToken(token: string): Promise<JWTPayload & { workspaceId?: string }> {
  const { payload } = await jwtVerify(token, secret, { algorithms: ['HS256'] });
  return payload;
}

const httpServer = createServer(handleHttp);

const io = new Server(httpServer, {
  cors: { origin: process.env.FRONTEND_URL ?? 'http://localhost:3000', credentials: true },
  path: '/socket.io',
});

io.use((socket, next) => {
  const token = socket.handshake.auth.token as string | undefined;
  if (!token) return next(new Error('MISSING_TOKEN'));
  verifyAccessToken(token).then(
    (payload) => {
      const data = socket.data as { userId?: string; workspaceId?: string };
      data.userId = payload.sub;
      data.workspaceId = payload.workspaceId;
      next();
    },
    () => next(new Error('INVALID_TOKEN')),
  );
});

io.on('connection', (socket) => {
  const { workspaceId } = socket.data as { workspaceId: string };
  // The in-memory adapter joins and leaves at once; its promise-or-void is for async adapters.
  void socket.join(`ws:${workspaceId}`);
  socket.on('join_conversation', (conversationId: string, ack?: () => void) => {
    void socket.join(`conv:${conversationId}`);
    ack?.();
  });
  // Not in seed 000, where only backend services emit: the bench's chat-latency scenario needs a client send,
  // so this is the seed's `new_message` emit behind a socket event, with no check and no persistence.
  socket.on('send_message', (input: { conversationId?: string; content?: string }, ack?: (reply: unknown) => void) => {
    if (typeof input?.conversationId !== 'string' || typeof input.content !== 'string') return ack?.({ ok: false });
    const message = { id: randomUUID(), role: 'HUMAN_AGENT', content: input.content, createdAt: new Date().toISOString() };
    io.to(`ws:${workspaceId}`).to(`conv:${input.conversationId}`).emit('new_message', { conversationId: input.conversationId, message });
    ack?.({ ok: true, data: message });
  });
  socket.on('leave_conversation', (conversationId: string) => {
    void socket.leave(`conv:${conversationId}`);
  });
  socket.on('disconnect', () => {
    // Socket.IO leaves the rooms itself.
  });
});

/** The seed's `socketService`. */
const socketService = {
  emitToWorkspace<T>(workspaceId: string, event: string, data: T): void {
    io.to(`ws:${workspaceId}`).emit(event, data);
  },
  emitToConversation<T>(conversationId: string, event: string, data: T): void {
    io.to(`conv:${conversationId}`).emit(event, data);
  },
};

interface EmitBody {
  workspaceId?: string;
  conversationId?: string;
  event?: string;
  payload?: unknown;
}

function handleHttp(req: IncomingMessage, res: ServerResponse): void {
  if (req.method === 'GET' && req.url === '/healthz') return reply(res, 200, { ok: true });
  if (req.method !== 'POST' || req.url !== '/emit') return reply(res, 404, { ok: false });
  if (internalKey && req.headers['x-internal-api-key'] !== internalKey) return reply(res, 401, { ok: false });
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    let body: EmitBody;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as EmitBody;
    } catch {
      return reply(res, 400, { ok: false });
    }
    if (!body.event) return reply(res, 400, { ok: false });
    if (body.workspaceId) socketService.emitToWorkspace(body.workspaceId, body.event, body.payload);
    else if (body.conversationId) socketService.emitToConversation(body.conversationId, body.event, body.payload);
    else return reply(res, 400, { ok: false });
    reply(res, 200, { ok: true });
  });
}

function reply(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

httpServer.listen(port, '127.0.0.1', () => {
  console.log(`naive-000 listening on http://127.0.0.1:${port}`);
});

process.on('SIGTERM', () => {
  setTimeout(() => process.exit(0), 1000).unref();
  // Exits in the callback whatever happens; the one-second timer above covers a close that never calls back.
  void io.close(() => process.exit(0));
});
