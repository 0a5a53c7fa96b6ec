import type { IncomingHttpHeaders } from 'node:http';

import { type ErrorCode, WIDGET_NAMESPACE } from '@switchboard/protocol';

import type { AppIo, AppNamespace } from './socket-types';
import { tokenFromHandshake } from './token-source';

/** What a refusal tells the client: its `connect_error` has `message` = code and `data` = `{ code, message }`. */
export interface Refusal {
  code: ErrorCode;
  message: string;
}

/** Resolves when the holder of `token` may open this widget namespace; rejects with a {@link Refusal} otherwise. */
export type AdmitWidget = (target: { tenantId: string; conversationId: string }, token: string) => Promise<void>;

/** socket.io-parser's packet type of a refused CONNECT. */
const CONNECT_ERROR = 4;
/** Namespace admissions one connection may have under way (each may read the database); more are refused at once. */
const MAX_PENDING_PER_CONNECTION = 8;

type EngineConn = {
  readyState: string;
  request: { headers: IncomingHttpHeaders; _query?: Record<string, unknown> };
  write(data: unknown): void;
  on(event: string, fn: (...args: unknown[]) => void): void;
  prependListener(event: string, fn: (...args: unknown[]) => void): void;
};
type Internals = {
  _remove(socket: unknown): void;
  _preConnectSockets: Map<string, unknown>;
};

/**
 * The widget's dynamic namespaces `/tenant/{tenantId}/conv/{conversationId}`, held so that their number
 * follows the conversations open right now, not the CONNECT packets ever received:
 *
 * - **Admitted before created.** Socket.IO creates a child namespace (with its adapter and, with
 *   Redis, its pub/sub channels) as soon as the parent's matcher says yes, before any middleware.
 *   Our matcher says yes only after {@link AdmitWidget} verified the token and the caller's access to
 *   that tenant's conversation; a refused client gets its `connect_error` from here and no namespace.
 * - **Released when empty.** The last socket to leave (or to be refused by the middleware) closes the
 *   namespace and its adapter (Redis subscriptions included).
 * - **Emitted to by room.** {@link holding} finds the namespaces that have sockets in given rooms, so a
 *   broadcast reaches one namespace per conversation instead of walking every child through the
 *   parent, and each child encodes its own packet (with its own recovery offset only).
 *
 * Socket.IO hands the matcher only the namespace name and the CONNECT packet's `auth`; the headers and
 * query (where a token may also be) and the connection to answer on are those of the engine connection
 * whose packet is being decoded, which Socket.IO decodes and matches synchronously. Should that ever
 * change, no connection is known and the namespace is refused (closed by default).
 */
export class WidgetNamespaces {
  readonly parent: AppNamespace;
  private admit: AdmitWidget | undefined;
  private onRefused: (code: ErrorCode) => void = () => undefined;
  private decoding: EngineConn | undefined;
  private readonly pending = new WeakMap<EngineConn, number>();
  private readonly byRoom = new Map<string, Set<AppNamespace>>();
  private readonly live = new Set<AppNamespace>();

  constructor(private readonly io: AppIo) {
    this.parent = io.of((name, auth, next) => this.match(name, auth, next));
    // Two functions shared by every connection (an emitter calls a listener with itself as `this`),
    // not two closures per connection: idle memory.
    const track = (conn: EngineConn | undefined) => {
      this.decoding = conn;
    };
    const decodingStarts = function (this: EngineConn) {
      track(this);
    };
    const decodingEnds = () => track(undefined);
    io.engine.on('connection', (conn: EngineConn) => {
      conn.prependListener('data', decodingStarts);
      conn.on('data', decodingEnds);
    });
    io.on('new_namespace', (nsp) => {
      if (WIDGET_NAMESPACE.test(nsp.name)) this.track(nsp);
    });
  }

  /** Sets who may open a namespace (until then every widget namespace is refused), and who counts refusals. */
  admitWith(admit: AdmitWidget, onRefused: (code: ErrorCode) => void): void {
    this.admit = admit;
    this.onRefused = onRefused;
  }

  /** Whether any widget namespace has a socket in a room: when none has, {@link holding} finds nothing for any rooms. */
  anyHolding(): boolean {
    return this.byRoom.size > 0;
  }

  /** The namespaces with a socket in at least one of these rooms. */
  holding(rooms: readonly string[]): Set<AppNamespace> {
    const out = new Set<AppNamespace>();
    for (const room of rooms) for (const nsp of this.byRoom.get(room) ?? []) out.add(nsp);
    return out;
  }

  private match(name: string, auth: Record<string, unknown>, next: (err: Error | null, ok: boolean) => void): void {
    const m = WIDGET_NAMESPACE.exec(name);
    const conn = this.decoding;
    if (!m || !conn || !this.admit) return next(null, false);
    const refuse = (err: Refusal) => {
      this.onRefused(err.code);
      if (conn.readyState !== 'open') return;
      const packet = { type: CONNECT_ERROR, nsp: name, data: { message: err.code, data: { code: err.code, message: err.message } } };
      for (const encoded of this.io.encoder.encode(packet)) conn.write(encoded);
    };
    // Decided here, synchronously: a flood of CONNECTs without a token costs no promise and no await.
    const token = tokenFromHandshake({ auth: auth ?? {}, headers: conn.request.headers, query: conn.request._query ?? {} });
    if (!token) return refuse({ code: 'MISSING_TOKEN', message: 'Connect with a token: auth.token, an Authorization header or ?token=' });
    const underway = this.pending.get(conn) ?? 0;
    if (underway >= MAX_PENDING_PER_CONNECTION)
      return refuse({ code: 'RATE_LIMITED', message: 'Too many namespaces opening at once on this connection' });
    this.pending.set(conn, underway + 1);
    this.admit({ tenantId: m[1] as string, conversationId: m[2] as string }, token)
      .then(
        () => next(null, true),
        // Refused: answered here, and `next` is not called, so Socket.IO neither creates the namespace
        // nor sends a second, generic "Invalid namespace" error.
        (err: Refusal) => refuse(err),
      )
      .finally(() => this.pending.set(conn, (this.pending.get(conn) ?? 1) - 1));
  }

  private track(nsp: AppNamespace): void {
    this.live.add(nsp);
    nsp.adapter.on('create-room', (room: string) => {
      let set = this.byRoom.get(room);
      if (!set) this.byRoom.set(room, (set = new Set()));
      set.add(nsp);
    });
    nsp.adapter.on('delete-room', (room: string) => this.unindex(room, nsp));
    const internals = nsp as unknown as Internals;
    const remove = internals._remove.bind(nsp);
    internals._remove = (socket) => {
      remove(socket);
      // A socket may be between its CONNECT and its middleware (Socket.IO awaits a tick before it
      // counts it): look again once that tick has passed.
      if (this.isEmpty(nsp)) setImmediate(() => this.isEmpty(nsp) && this.release(nsp));
    };
  }

  private isEmpty(nsp: AppNamespace): boolean {
    return this.live.has(nsp) && nsp.sockets.size === 0 && (nsp as unknown as Internals)._preConnectSockets.size === 0;
  }

  private release(nsp: AppNamespace): void {
    this.live.delete(nsp);
    for (const room of nsp.adapter.rooms.keys()) this.unindex(room, nsp);
    const nsps = (this.io as unknown as { _nsps: Map<string, unknown> })._nsps;
    if (nsps.get(nsp.name) === nsp) nsps.delete(nsp.name);
    (this.parent as unknown as { children: Set<unknown> }).children.delete(nsp);
    void Promise.resolve(nsp.adapter.close()).catch(() => undefined);
  }

  private unindex(room: string, nsp: AppNamespace): void {
    const set = this.byRoom.get(room);
    if (!set) return;
    set.delete(nsp);
    if (set.size === 0) this.byRoom.delete(room);
  }
}
