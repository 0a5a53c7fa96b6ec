import type { ErrorCode } from '@switchboard/protocol';

import { AppError } from '../errors';
import type { Services } from '../services';
import type { AdmitWidget, Refusal } from './widget-namespaces';

/**
 * Who may open `/tenant/{tenantId}/conv/{conversationId}`: the same checks as the namespace's
 * middleware and session start (a valid token, of that tenant, allowed to read that conversation),
 * made before Socket.IO creates the namespace. The cheap checks come first, so a CONNECT for another
 * tenant costs no database read.
 */
export function admitWidget(services: Services): AdmitWidget {
  return async ({ tenantId, conversationId }, token) => {
    try {
      const principal = await services.verify(token).catch((err: unknown) => {
        throw err instanceof AppError ? err : new AppError('AUTH_TOKEN_INVALID', 'The token is invalid');
      });
      if (principal.accountId !== tenantId) throw new AppError('FORBIDDEN', 'This conversation belongs to another tenant');
      await services.conversations.getReadable(principal, conversationId);
    } catch (err) {
      // A Refusal is the answer the matcher writes back (widget-namespaces.ts), not an exception: it never leaves that promise chain.
      /* eslint-disable @typescript-eslint/only-throw-error */
      if (err instanceof AppError) throw { code: err.code, message: err.message } satisfies Refusal;
      services.log.error({ err }, 'admitting a widget namespace failed');
      throw { code: 'INTERNAL', message: 'Something went wrong on our side' } satisfies Refusal;
      /* eslint-enable @typescript-eslint/only-throw-error */
    }
  };
}

/** Counts refused widget handshakes like those of any namespace. */
export function countWidgetRefusal(services: Services): (code: ErrorCode) => void {
  return (code) => {
    if (code === 'MISSING_TOKEN' || code === 'AUTH_TOKEN_INVALID' || code === 'AUTH_TOKEN_EXPIRED')
      services.metrics.handshakeFailures.inc({ code });
  };
}
