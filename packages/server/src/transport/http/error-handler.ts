import { HTTP_STATUS } from '@switchboard/protocol';
import type { FastifyError, FastifyInstance } from 'fastify';

import { AppError, toErrorPayload } from '../../errors';

/**
 * One shape for every HTTP failure: `{ error: { code, message, details? } }`
 * with the status of its code. Fastify's own errors (body too large, bad JSON)
 * map onto the same codes; anything unexpected is INTERNAL and logged, never shown.
 */
export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError, request, reply) => {
    let mapped: unknown = err;
    if (!(err instanceof AppError)) {
      if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE') mapped = new AppError('PAYLOAD_TOO_LARGE', 'The request body is too large');
      else if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500) {
        mapped = new AppError(
          'VALIDATION_FAILED',
          err.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE' ? 'Send JSON' : 'The request is not valid',
        );
      }
    }
    const payload = toErrorPayload(mapped, request.log, `${request.method} ${request.routeOptions.url ?? request.url}`);
    const retryAfterMs = payload.code === 'RATE_LIMITED' ? payload.details?.retryAfterMs : undefined;
    if (typeof retryAfterMs === 'number') reply.header('retry-after', String(Math.max(1, Math.ceil(retryAfterMs / 1_000))));
    reply.status(HTTP_STATUS[payload.code]).send({ error: payload });
  });
  app.setNotFoundHandler((request, reply) => {
    reply.status(404).send({ error: { code: 'NOT_FOUND', message: `No route ${request.method} ${request.url.split('?')[0]}` } });
  });
}
