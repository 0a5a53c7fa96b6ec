import type { Server as HttpServer } from 'node:http';

import { defaultServer as S } from '@switchboard/protocol';
import { Server } from 'socket.io';

import type { AdapterFactory } from '../cluster/socket-adapter';
import { registerDefaultEvents } from '../handlers/default-events';
import { endSession, refuse, startSession } from '../handlers/default-session';
import type { Services } from '../services';
import { AdmissionGate } from './admission-gate';
import { admitWidget, countWidgetRefusal } from './admit-widget';
import { coalesceWebSocketWrites } from './coalesce-websocket-writes';
import { handshakeError } from './handshake-error';
import { allowRequest } from './origin-check';
import { SessionStateAdapter } from './session-state-adapter';
import { socketAuth } from './socket-auth';
import type { AppIo, AppSocket } from './socket-types';
import { WidgetNamespaces } from './widget-namespaces';

/** Connection state recovery's window: a socket back within it gets the packets it missed. */
export const RECOVERY_WINDOW_MS = 2 * 60_000;

export interface SocketServerOptions {
  corsOrigins: string[];
  maxHttpBufferSize: number;
  /** The adapter across nodes (cluster/socket-adapter.ts); in memory when absent. */
  adapter?: AdapterFactory;
  /**
   * Socket.IO connection state recovery (default on). Off in a cluster: domain events are emitted by
   * each node to its own sockets, not through the adapter, so no adapter could restore them after a
   * reconnect to another node; clients resume with `auth.lastSeq` instead (docs/decisions.md).
   */
  recovery?: boolean;
}

/**
 * Socket.IO on the HTTP server Fastify listens with: path `/socket.io`, ping
 * every 25 s with a 60 s timeout; per-message
 * deflate off, since compressing small chat frames costs more CPU than it saves.
 */
export function createSocketServer(http: HttpServer, opts: SocketServerOptions): { io: AppIo; widgets: WidgetNamespaces } {
  const io: AppIo = new Server(http, {
    path: '/socket.io',
    pingInterval: 25_000,
    pingTimeout: 60_000,
    maxHttpBufferSize: opts.maxHttpBufferSize,
    perMessageDeflate: false,
    httpCompression: false,
    allowRequest: allowRequest(opts.corsOrigins),
    cors: { origin: opts.corsOrigins.length ? opts.corsOrigins : true, credentials: true },
    ...(opts.recovery === false
      ? {}
      : { connectionStateRecovery: { maxDisconnectionDuration: RECOVERY_WINDOW_MS, skipMiddlewares: false } }),
    // In memory with recovery: Socket.IO's recovering adapter, without keeping per-socket session state.
    ...(opts.adapter ? { adapter: opts.adapter } : opts.recovery === false ? {} : { adapter: SessionStateAdapter }),
    serveClient: false,
  });
  coalesceWebSocketWrites(io);
  return { io, widgets: new WidgetNamespaces(io) };
}

/**
 * Wires admission, authentication and handlers onto the default namespace and the widget's per-conversation namespaces.
 * Returns the admission gate, which the server closes.
 */
export function attachDefaultNamespaces(services: Services, io: AppIo, widgets: WidgetNamespaces): AdmissionGate {
  widgets.admitWith(admitWidget(services), countWidgetRefusal(services));
  const gate = new AdmissionGate({ maxPending: services.config.ADMISSION_MAX_PENDING, maxLagMs: services.config.ADMISSION_MAX_LAG_MS });
  const admitted = new WeakMap<AppSocket, () => void>();
  const release = (socket: AppSocket) => admitted.get(socket)?.();
  // One listener for every socket (an emitter calls it with the socket as `this`), not a closure each.
  const ended = function (this: AppSocket) {
    endSession(services, this).catch((err) => services.log.warn({ err }, 'session end failed'));
  };
  for (const nsp of [io.of('/'), widgets.parent]) {
    const auth = socketAuth(services, { allowLate: nsp === io.of('/') });
    nsp.use((socket: AppSocket, next) => {
      const entry = gate.tryEnter();
      if (!entry.admitted) {
        services.metrics.handshakeFailures.inc({ code: 'RATE_LIMITED' });
        return next(handshakeError('RATE_LIMITED', 'The server is busy: connect again after retryAfterMs', entry.retryAfterMs));
      }
      let held = true;
      const leave = () => {
        if (!held) return;
        held = false;
        gate.leave();
        // Not kept for the connection's life once the place is given back (idle memory).
        socket.conn.off('close', leave);
        admitted.delete(socket);
      };
      admitted.set(socket, leave);
      // A client gone before its session starts must not hold its place.
      socket.conn.once('close', leave);
      void auth(socket, (err) => {
        if (err) leave();
        next(err);
      });
    });
    nsp.on('connection', (socket: AppSocket) => {
      registerDefaultEvents(services, socket);
      socket.on('disconnect', ended);
      if (socket.data.authenticated) {
        startSession(services, socket)
          .catch((err) => refuse(services, socket, err))
          .finally(() => release(socket));
      } else {
        release(socket);
        awaitLateAuth(services, socket);
      }
    });
  }
  return gate;
}

/** The late `authenticate` event: the socket may do nothing else, and goes when the window closes. */
function awaitLateAuth(services: Services, socket: AppSocket): void {
  const timer = setTimeout(() => {
    if (socket.data.authenticated) return;
    services.metrics.handshakeFailures.inc({ code: 'MISSING_TOKEN' });
    services.log.info({ code: 'MISSING_TOKEN', namespace: socket.nsp.name, late: true }, 'handshake refused');
    socket.emit(S.error.name, { code: 'MISSING_TOKEN', message: 'No authenticate event within the allowed time' });
    socket.disconnect();
  }, services.config.LATE_AUTH_MS);
  timer.unref();
  socket.once('disconnect', () => clearTimeout(timer));
}
