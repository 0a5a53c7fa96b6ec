import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';

import { forbidden } from '../../errors';
import { DEMO_TENANT, seedDemoTenant } from '../../ops/demo-tenant';
import type { Services } from '../../services';
import { doc } from './openapi/route-doc';

/**
 * Development helpers for the dashboard's login screen and the widget's demo
 * page: `GET /api/dev/demo-tokens` signs the demo tenant's tokens, like the
 * ones `npm start` prints. Registered only when the demo tenant is on (no
 * DATABASE_URL, or DEMO=true) and NODE_ENV is not production, and served only
 * to loopback clients: whoever gets these tokens can act as those demo users.
 */
export function devRoutes(app: FastifyInstance, services: Services): void {
  const { config } = services;
  const secret = config.JWT_SECRET;
  if (!config.demo || !secret || process.env.NODE_ENV === 'production') return;

  app.get(
    '/api/dev/demo-tokens',
    doc({
      tag: 'Development',
      auth: 'none',
      summary: 'Tokens of the demo tenant (development only)',
      description:
        'Present only when the demo tenant is on (no DATABASE_URL, or DEMO=true) and NODE_ENV is not production; served to loopback clients only (403 otherwise).',
      responses: {
        200: {
          description: "The demo tenant and its users' tokens",
          schema: z.object({
            tenant: z.string(),
            tokens: z.array(z.looseObject({ role: z.string(), name: z.string(), token: z.string() })),
          }),
        },
      },
    }),
    async (request, reply) => {
      // HOST defaults to 0.0.0.0: without this, anyone on the network could take the demo admin's token.
      if (!isLocalRequest(request)) throw forbidden('Demo tokens are served only to this machine (loopback, not through a proxy)');
      reply.header('cache-control', 'no-store');
      const tokens = await seedDemoTenant(services, secret);
      return { tenant: DEMO_TENANT, tokens };
    },
  );
}

/**
 * The peer is this machine, and the request did not come through a proxy on it (a proxy's own
 * connection is loopback too, so forwarding headers count as remote). The socket's address, not
 * `request.ip`, which a client can influence where proxies are trusted.
 */
export function isLocalRequest(request: FastifyRequest): boolean {
  const h = request.headers;
  if (h['x-forwarded-for'] !== undefined || h.forwarded !== undefined || h['x-real-ip'] !== undefined) return false;
  const address = request.raw.socket.remoteAddress ?? '';
  const v4 = address.startsWith('::ffff:') ? address.slice(7) : address;
  return address === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(v4);
}
