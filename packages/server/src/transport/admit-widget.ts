import { AppError } from '../errors';
import type { Services } from '../services';
import { tokenFromHandshake } from './token-source';
import type { AdmitWidget, Refusal } from './widget-namespaces';

/**
 * Who may open `/tenant/{tenantId}/conv/{conversationId}`: the same checks as the namespace's
 * middleware and session start (a valid token, of that tenant, allowed to read that conversation),
 * made before Socket.IO creates the namespace. The cheap checks come first, so a CONNECT without a
 * token or for another tenant costs no database read.
 */
export function admitWidget(services: Services): AdmitWidget {
  return async ({ tenantId, conversationId }, handshake) => {
    try {
      const token = tokenFromHandshake(handshake);
      if (!token) throw new AppError('MISSING_TOKEN', 'Connect with a token: auth.token, an Authorization header or ?token=');
      const principal = await services.verify(token).catch((err: unknown) => {
        throw err instanceof AppError ? err : new AppError('AUTH_TOKEN_INVALID', 'The token is invalid');
      });
      if (principal.accountId !== tenantId) throw new AppError('FORBIDDEN', 'This conversation belongs to another tenant');
      await services.conversations.getReadable(principal, conversationId);
    } catch (err) {
      const refusal: Refusal = err instanceof AppError
        ? { code: err.code, message: err.message }
        : { code: 'INTERNAL', message: 'Something went wrong on our side' };
      if (!(err instanceof AppError)) services.log.error({ err }, 'admitting a widget namespace failed');
      if (['MISSING_TOKEN', 'AUTH_TOKEN_INVALID', 'AUTH_TOKEN_EXPIRED'].includes(refusal.code)) services.metrics.handshakeFailures.inc({ code: refusal.code });
      throw refusal;
    }
  };
}
