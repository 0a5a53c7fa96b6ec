/**
 * Baseline `raw-ws`, the ceiling: a bare `ws` server (with the bufferutil add-on,
 * no per-message deflate) that authenticates a JWT (HS256, jose) given in the URL
 * query and, on `POST /broadcast`, frames the message once and writes that same
 * frame to every open client. No rooms, no acks, no heartbeat, no protocol on
 * top: what is left is the cost of a WebSocket write per client.
 *
 * Env: PORT (default 3200), JWT_SECRET, INTERNAL_API_KEY (checked when set).
 *
 * @example
 * wscat -c 'ws://127.0.0.1:3200/?token=<jwt>'
 * curl -XPOST localhost:3200/broadcast -d '{"event":"tick","payload":{"n":1}}'
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';

import { jwtVerify } from 'jose';
import WebSocket, { WebSocketServer } from 'ws';

const port = Number(process.env.PORT ?? 3200);
const secret = new TextEncoder().encode(process.env.JWT_SECRET ?? 'dev-secret');
const internalKey = process.env.INTERNAL_API_KEY ?? '';

/** ws's frame builder and the per-socket writer of a ready frame (ws issue #617); not in @types/ws. */
interface FrameOptions {
  fin: boolean;
  rsv1: boolean;
  opcode: number;
  mask: boolean;
  readOnly: boolean;
}
type Frame = Buffer[];
const Sender = (WebSocket as unknown as { Sender?: { frame(data: Buffer, options: FrameOptions): Frame } }).Sender;
type WithSender = { _sender?: { sendFrame?: (frame: Frame, cb?: () => void) => void } };

const httpServer = createServer(handleHttp);

const wss = new WebSocketServer({
  server: httpServer,
  perMessageDeflate: false,
  verifyClient: (info, done) => {
    const token = new URL(info.req.url ?? '/', 'http://localhost').searchParams.get('token');
    if (!token) return done(false, 401, 'MISSING_TOKEN');
    jwtVerify(token, secret, { algorithms: ['HS256'] }).then(
      () => done(true),
      () => done(false, 401, 'INVALID_TOKEN'),
    );
  },
});

let mode = 'pre-encoded frame';

function broadcast(text: string): number {
  const data = Buffer.from(text);
  const frame = Sender?.frame(data, { fin: true, rsv1: false, opcode: 1, mask: false, readOnly: true });
  let sent = 0;
  for (const client of wss.clients) {
    if (client.readyState !== WebSocket.OPEN) continue;
    const sender = (client as unknown as WithSender)._sender;
    if (frame && sender?.sendFrame) sender.sendFrame(frame);
    else {
      mode = 'ws.send (no pre-encoded frame API)';
      client.send(data);
    }
    sent++;
  }
  return sent;
}

function handleHttp(req: IncomingMessage, res: ServerResponse): void {
  if (req.method === 'GET' && req.url === '/healthz') return reply(res, 200, { ok: true, mode });
  if (req.method !== 'POST' || req.url !== '/broadcast') return reply(res, 404, { ok: false });
  if (internalKey && req.headers['x-internal-api-key'] !== internalKey) return reply(res, 401, { ok: false });
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    let body: { event?: string; payload?: unknown };
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as typeof body;
    } catch {
      return reply(res, 400, { ok: false });
    }
    if (!body.event) return reply(res, 400, { ok: false });
    const sent = broadcast(JSON.stringify([body.event, body.payload]));
    reply(res, 200, { ok: true, sent });
  });
}

function reply(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

httpServer.listen(port, '127.0.0.1', () => {
  console.log(`raw-ws listening on http://127.0.0.1:${port}`);
});

process.on('SIGTERM', () => {
  for (const client of wss.clients) client.terminate();
  setTimeout(() => process.exit(0), 1000).unref();
  wss.close();
  httpServer.close(() => process.exit(0));
});
