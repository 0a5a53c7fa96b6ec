import { Id, Role } from '@switchboard/protocol';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';

import type { Services } from '../../services';
import { requirePrincipal } from './http-auth';
import { doc, named } from './openapi/route-doc';

const Me = named(
  'Me',
  z.object({
    userId: Id,
    accountId: Id,
    role: Role,
    email: z.string().nullable(),
    name: z.string().nullable(),
    teamIds: z.array(Id),
    exp: z.number().int().describe('expiry, seconds since the epoch'),
  }),
);

/**
 * `GET /api/me`: who the server takes the Bearer token for. A sign-in screen
 * calls it before showing anything, so a forged, expired or foreign token is
 * refused there (401 with its code) instead of half-working later.
 */
export function meRoute(app: FastifyInstance, services: Services): void {
  app.get(
    '/api/me',
    doc({
      tag: 'Session',
      auth: 'bearer',
      summary: 'Check a token: who it signs in',
      responses: { 200: { description: 'The caller as the server sees it', schema: Me } },
    }),
    async (request) => {
      const actor = await requirePrincipal(services.verify, request);
      return Me.parse(actor);
    },
  );
}
