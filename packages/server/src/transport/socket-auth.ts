import { Dialect } from '@switchboard/protocol';

import { AppError, toErrorPayload } from '../errors';
import type { Services } from '../services';
import { handshakeError } from './handshake-error';
import { applyPrincipal } from './principal-of';
import type { AppSocket } from './socket-types';
import { tokenFromHandshake } from './token-source';

export interface SocketAuthOptions {
  /** Accept a socket without a token, to authenticate late (the `authenticate` event); only the default namespace does. */
  allowLate: boolean;
  /** Refuse roles this namespace is not for (`/dashboard` is admins only). */
  roles?: readonly string[];
}

/**
 * The handshake middleware of every namespace. With connection state recovery
 * it runs again on a recovered socket, so a revoked or expired token cannot
 * ride a recovered session.
 */
export function socketAuth(services: Services, opts: SocketAuthOptions) {
  // socket.io ignores a middleware's promise: a throw outside check's own try would leave the handshake hanging and
  // the rejection unhandled, so it becomes a refusal (INTERNAL, logged).
  return (socket: AppSocket, next: (err?: Error) => void): void => {
    check(socket, next).catch((err: unknown) => {
      const { code, message } = toErrorPayload(err, services.log, `${socket.nsp.name} handshake`);
      next(handshakeError(code, message));
    });
  };

  async function check(socket: AppSocket, next: (err?: Error) => void): Promise<void> {
    socket.data.conversations = [];
    socket.data.dialect = pickDialect(socket, services.config.DEFAULT_DIALECT);
    const token = tokenFromHandshake(socket.handshake);
    if (!token) {
      if (opts.allowLate && services.config.LATE_AUTH_MS > 0) {
        socket.data.authenticated = false;
        return next();
      }
      services.metrics.handshakeFailures.inc({ code: 'MISSING_TOKEN' });
      services.log.info({ code: 'MISSING_TOKEN', namespace: socket.nsp.name }, 'handshake refused');
      return next(handshakeError('MISSING_TOKEN', 'Connect with a token: auth.token, an Authorization header or ?token='));
    }
    try {
      const principal = await services.verify(token);
      if (opts.roles && !opts.roles.includes(principal.role)) {
        throw new AppError('FORBIDDEN', 'This namespace is not open to your role');
      }
      applyPrincipal(socket, principal);
      // Verified; the socket need not hold the token (~0.3 KiB) for its whole life.
      forgetToken(socket);
      next();
    } catch (err) {
      const code = err instanceof AppError ? err.code : 'AUTH_TOKEN_INVALID';
      const message = err instanceof AppError ? err.message : 'The token is invalid';
      services.metrics.handshakeFailures.inc({ code });
      // Code and namespace only: the token (or a claim from it) never reaches a log line.
      services.log.info({ code, namespace: socket.nsp.name }, 'handshake refused');
      next(handshakeError(code, message));
    }
  }
}

function pickDialect(socket: AppSocket, fallback: Dialect): Dialect {
  const q = socket.handshake.query;
  if (typeof q.tenantId === 'string' && typeof q.conversationId === 'string') return 'widget';
  const asked = Dialect.safeParse((socket.handshake.auth as { dialect?: unknown } | undefined)?.dialect);
  return asked.success ? asked.data : fallback;
}

function forgetToken(socket: AppSocket): void {
  const auth = socket.handshake.auth as { token?: unknown } | undefined;
  if (auth && 'token' in auth) delete auth.token;
}
