import type { FastifyInstance } from 'fastify';
import type { Services } from '../../services';

export interface HealthChecks {
  /** Extra readiness checks (Redis when configured); each rejects when its service is down. */
  extra: Array<{ name: string; check: () => Promise<void> }>;
  isClosing: () => boolean;
}

/** /readyz answers at once in every state: a check that does not answer within this is down (a full pool, a stalled link). */
const READY_CHECK_MS = 1_000;

function withinMs(p: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('no answer in time')), ms);
  });
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
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
        checks[name] = await withinMs(check(), READY_CHECK_MS).then(() => 'ok' as const, () => 'down' as const);
      }),
    );
    const ready = !health.isClosing() && Object.values(checks).every((v) => v === 'ok');
    return reply.status(ready ? 200 : 503).send({ status: ready ? 'ready' : 'unavailable', checks });
  });

  app.get('/metrics', async (_req, reply) => {
    reply.header('content-type', services.metrics.registry.contentType);
    return services.metrics.registry.metrics();
  });
}
