import type { FastifyInstance } from 'fastify';

/**
 * Each HTTP request as one debug line once answered: method, route, path,
 * status and time. The query string is left out: an SSE reader's token rides
 * in it (stream-route.ts).
 */
export function logRequests(app: FastifyInstance): void {
  app.addHook('onResponse', async (request, reply) => {
    if (request.log.level !== 'debug' && request.log.level !== 'trace') return;
    request.log.debug(
      {
        method: request.method,
        route: request.routeOptions.url,
        path: request.url.split('?')[0],
        status: reply.statusCode,
        ms: Math.round(reply.elapsedTime),
      },
      'request',
    );
  });
}
