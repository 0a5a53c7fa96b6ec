import type { FastifyInstance, FastifyRequest } from 'fastify';

import type { RateLimitSubject } from '../../cluster/rate-limiter';
import type { Services } from '../../services';
import { bearerToken } from '../token-source';
import { routeCost, tenantGated, WRITE_METHODS } from '../write-costs';
import { requirePrincipal } from './http-auth';

/**
 * Every write route under /api (POST, PUT, PATCH, DELETE) spends the caller's budgets before its
 * body is read: the user's, shared with its sockets, and its tenant's ceiling. Over budget the
 * answer is 429 RATE_LIMITED with `retryAfterMs` and a Retry-After header (error-handler.ts).
 * A call without a token is charged to its address, so anonymous routes are limited too; a bad
 * token is refused here as the route would refuse it. A tenant's writes then run a few at a time.
 */
/**
 * Anonymous routes with budgets of their own, tighter and keyed to what they protect: a widget
 * session is limited per IP address and per public key (widget-routes.ts). Charging them the
 * address's socket budget as well would refuse visitors behind one office NAT long before that.
 */
const OWN_LIMITS = new Set(['/api/widget/sessions']);

export function writeRateLimit(app: FastifyInstance, services: Services): void {
  const releases = new WeakMap<FastifyRequest, () => void>();
  app.addHook('onRequest', async (request, reply) => {
    const route = request.routeOptions.url;
    if (!WRITE_METHODS.has(request.method) || !route?.startsWith('/api/') || OWN_LIMITS.has(route)) return;
    let subject: RateLimitSubject;
    if (bearerToken(request.headers.authorization)) {
      const actor = await requirePrincipal(services.verify, request);
      subject = { data: { accountId: actor.accountId, userId: actor.userId } };
    } else {
      subject = { id: `ip:${request.ip}`, data: {} };
    }
    await services.rateLimiter.consume(subject, routeCost(request.method, route));
    // Then the tenant's turn (cluster/tenant-gate.ts), held until the response is sent or the client goes.
    if (subject.data.accountId && tenantGated(`${request.method} ${route}`)) {
      const release = await services.tenantGate.acquire(subject.data.accountId);
      releases.set(request, release);
      reply.raw.once('close', release);
      // A client that left while queued closed before we listened.
      if (reply.raw.destroyed || request.raw.destroyed) release();
    }
  });
  // Also here: an injected request (light-my-request) has no socket to close. Releasing twice is harmless.
  app.addHook('onResponse', async (request) => releases.get(request)?.());
}
