import type { FastifyInstance } from 'fastify';
import { z } from 'zod';

import type { Services } from '../../services';
import { requireInternalKey } from './internal-key';
import { doc } from './openapi/route-doc';

export interface HealthChecks {
  /** Extra readiness checks (Redis when configured); each rejects when its service is down. */
  extra: Array<{ name: string; check: () => Promise<void> }>;
  isClosing: () => boolean;
}

const Readiness = z.object({ status: z.enum(['ready', 'unavailable']), checks: z.record(z.string(), z.enum(['ok', 'down'])) });
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
  app.get(
    '/healthz',
    doc({
      tag: 'Operations',
      auth: 'none',
      summary: 'Liveness: 200 while serving, 503 while closing',
      responses: {
        200: { description: 'Serving', schema: z.object({ status: z.literal('ok') }) },
        503: { description: 'Closing', schema: z.object({ status: z.literal('closing') }) },
      },
    }),
    async (_req, reply) => {
      if (health.isClosing()) return reply.status(503).send({ status: 'closing' });
      return { status: 'ok' };
    },
  );

  app.get(
    '/readyz',
    doc({
      tag: 'Operations',
      auth: 'none',
      summary: 'Readiness: 200 when the database (and Redis, RabbitMQ when configured) answer',
      responses: {
        200: { description: 'Ready', schema: Readiness },
        503: { description: 'Not ready; checks says which', schema: Readiness },
      },
    }),
    async (_req, reply) => {
      const checks: Record<string, 'ok' | 'down'> = {};
      const all = [{ name: 'database', check: () => services.db.ping() }, ...health.extra];
      await Promise.all(
        all.map(async ({ name, check }) => {
          checks[name] = await withinMs(check(), READY_CHECK_MS).then(
            () => 'ok' as const,
            () => 'down' as const,
          );
        }),
      );
      const ready = !health.isClosing() && Object.values(checks).every((v) => v === 'ok');
      return reply.status(ready ? 200 : 503).send({ status: ready ? 'ready' : 'unavailable', checks });
    },
  );

  // Operators only: the series describe the whole node (and no tenant by name), not one caller's data.
  app.get(
    '/metrics',
    {
      onRequest: requireInternalKey(services.config.INTERNAL_API_KEY),
      ...doc({
        tag: 'Operations',
        auth: 'internal',
        summary: 'Prometheus metrics',
        responses: { 200: { description: 'Prometheus text format', contentType: 'text/plain' } },
      }),
    },
    async (_req, reply) => {
      reply.header('content-type', services.metrics.registry.contentType);
      return services.metrics.registry.metrics();
    },
  );
}
