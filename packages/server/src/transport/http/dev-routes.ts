import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { DEMO_TENANT, seedDemoTenant } from '../../ops/demo-tenant';
import type { Services } from '../../services';
import { doc } from './openapi/route-doc';

/**
 * Development helpers for the dashboard's login screen and the widget's demo
 * page: `GET /api/dev/demo-tokens` signs the demo tenant's tokens, like the
 * ones `npm start` prints. Registered only when the demo tenant is on (no
 * DATABASE_URL, or DEMO=true) and NODE_ENV is not production: anyone who can
 * reach this route can act as those demo users.
 */
export function devRoutes(app: FastifyInstance, services: Services): void {
  const { config } = services;
  const secret = config.JWT_SECRET;
  if (!config.demo || !secret || process.env.NODE_ENV === 'production') return;

  app.get('/api/dev/demo-tokens', doc({ tag: 'Development', auth: 'none', summary: 'Tokens of the demo tenant (development only)', description: 'Present only when the demo tenant is on (no DATABASE_URL, or DEMO=true) and NODE_ENV is not production.', responses: { 200: { description: 'The demo tenant and its users\' tokens', schema: z.object({ tenant: z.string(), tokens: z.array(z.looseObject({ role: z.string(), name: z.string(), token: z.string() })) }) } } }), async (_request, reply) => {
    reply.header('cache-control', 'no-store');
    const tokens = await seedDemoTenant(services, secret);
    return { tenant: DEMO_TENANT, tokens };
  });
}
