import type { FastifyInstance } from 'fastify';
import { DEMO_TENANT, seedDemoTenant } from '../../ops/demo-tenant';
import type { Services } from '../../services';

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

  app.get('/api/dev/demo-tokens', async (_request, reply) => {
    reply.header('cache-control', 'no-store');
    const tokens = await seedDemoTenant(services, secret);
    return { tenant: DEMO_TENANT, tokens };
  });
}
