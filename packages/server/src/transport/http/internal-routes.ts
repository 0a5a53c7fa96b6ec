import { Id, resolveRoom } from '@switchboard/protocol';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';

import type { CustomRoom } from '../../domain/domain-event';
import { AppError } from '../../errors';
import type { Services } from '../../services';
import { requireInternalKey } from './internal-key';
import { Ok } from './openapi/api-models';
import { doc } from './openapi/route-doc';
import { parse } from './parse';

const EmitBody = z.object({
  tenantId: Id,
  conversationId: Id.optional(),
  room: z.string().max(300).optional(),
  event: z
    .string()
    .min(1)
    .max(100)
    .regex(/^[A-Za-z0-9_:.-]+$/, 'letters, digits and _ : . - only'),
  payload: z.unknown(),
});

/** `system:maintenance`: when is given as an ISO date-time or epoch milliseconds, and sent as ISO. */
const MaintenanceBody = z.object({
  message: z.string().trim().min(1).max(2_000),
  startsAt: z.union([z.iso.datetime({ offset: true }), z.number().int().min(0)]).transform((v) => new Date(v).toISOString()),
});

/** Routes for the company's own backend, guarded by `x-internal-api-key` (`POST /internal/emit`). */
export function internalRoutes(app: FastifyInstance, services: Services, internalKey: string): void {
  const guard = requireInternalKey(internalKey);

  app.post(
    '/internal/emit',
    {
      onRequest: guard,
      ...doc({
        tag: 'Internal',
        auth: 'internal',
        summary: 'Emit a custom event to a tenant, room or conversation',
        description:
          "For the company's backend. `room` is a room name of the tenant (e.g. `team:<id>`); without room or conversationId the whole tenant receives it. Logged, so clients catch up on it.",
        body: EmitBody,
        responses: { 200: { description: 'Emitted', schema: Ok } },
      }),
    },
    async (request) => {
      const body = parse(EmitBody, request.body);
      await services.broadcast.emit(body.tenantId, roomOf(body), body.event, body.payload ?? null);
      return { ok: true };
    },
  );

  // A notice to every connected socket of every tenant, on every namespace; state, not history, so not logged.
  app.post(
    '/internal/maintenance',
    {
      onRequest: guard,
      ...doc({
        tag: 'Internal',
        auth: 'internal',
        summary: 'Announce maintenance to every connected socket',
        description: 'Sends `system:maintenance` on every namespace of every tenant. startsAt: ISO date-time or epoch milliseconds.',
        body: MaintenanceBody,
        responses: { 200: { description: 'Announced', schema: Ok } },
      }),
    },
    async (request) => {
      const { message, startsAt } = parse(MaintenanceBody, request.body);
      services.broadcaster.signal({ type: 'system.maintenance', message, startsAt });
      return { ok: true };
    },
  );
}

function roomOf(body: z.infer<typeof EmitBody>): CustomRoom {
  if (body.conversationId) return { kind: 'conversation', id: body.conversationId };
  if (!body.room) return { kind: 'tenant' };
  const resolved = resolveRoom(body.tenantId, body.room);
  if (!resolved) throw new AppError('ROOM_NOT_FOUND', `Unknown room "${body.room}"`);
  if (resolved.kind === 'tenant') return { kind: 'tenant' };
  if (resolved.kind === 'tenantStaff') return { kind: 'staff' };
  if (resolved.kind === 'presence') throw new AppError('ROOM_NOT_FOUND', 'Presence rooms take no custom events');
  return { kind: resolved.kind, id: resolved.id };
}
