import type { FastifyInstance } from 'fastify';
import type { Services } from '../../services';
import { requireInternalKey } from './internal-key';

export interface HealthChecks {
  /** Extra readiness checks (Redis when configured); each rejects when its service is down. */
  extra: Array<{ name: string; check: () => Promise<void> }>;
  isClosing: () => boolean;
}

export function healthRoutes(app: FastifyInstance, services: Services, health: HealthChecks): void {
  app.get('/healthz', async (_req, reply) => {
    if (health.isClosing()) return reply.status(503).send({ status: 'closing' });
    return { status: 'ok' };
  });

  app.get('/readyz', async (_req, reply) => {
    const checks: Record<string, 'ok' | 'down'> = {};
    const all = [{ name: 'database', check: () => services.db.ping() }, ...health.extra];
    await Promise.all(
      all.map(async ({ name, check }) => {
        checks[name] = await check().then(() => 'ok' as const, () => 'down' as const);
      }),
    );
    const ready = !health.isClosing() && Object.values(checks).every((v) => v === 'ok');
    return reply.status(ready ? 200 : 503).send({ status: ready ? 'ready' : 'unavailable', checks });
  });

  // Operators only: the series describe the whole node (and no tenant by name), not one caller's data.
  app.get('/metrics', { onRequest: requireInternalKey(services.config.INTERNAL_API_KEY) }, async (_req, reply) => {
    reply.header('content-type', services.metrics.registry.contentType);
    return services.metrics.registry.metrics();
  });
}
