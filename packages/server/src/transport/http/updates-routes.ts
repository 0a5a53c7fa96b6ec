import { isStaff } from '@switchboard/protocol';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';

import { withEnvelope } from '../../realtime/delivery';
import { type Viewer, viewerReceives } from '../../realtime/viewer-receives';
import type { Services } from '../../services';
import { requirePrincipal } from './http-auth';
import { doc } from './openapi/route-doc';
import { parse } from './parse';

const UpdatesQuery = z.object({
  since: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(1000).default(500),
});

const UpdatesPage = z.object({
  events: z.array(
    z.object({
      seq: z.number().int(),
      id: z.string(),
      type: z.string().describe('the domain event type, e.g. message.created'),
      createdAt: z.string(),
      deliveries: z.array(z.object({ event: z.string().describe('the socket event name'), payload: z.unknown() })),
    }),
  ),
  lastSeq: z.number().int().describe('poll again with since=lastSeq'),
  more: z.boolean().describe('true when the page was full: poll again at once'),
});

/**
 * The polling fallback: what the caller may see since `since`, from the same
 * event log sockets replay. Each event has its wire name and payload in the
 * default vocabulary, plus its domain `type`.
 */
export function updatesRoutes(app: FastifyInstance, services: Services): void {
  aliasRoute(app, 'GET', '/api/updates', '/tickets/updates');
  app.get(
    '/api/updates',
    doc({
      tag: 'Updates',
      auth: 'bearer',
      summary: 'What the caller may see since a sequence number',
      description:
        'The polling fallback for clients without a socket: the same events, in the default vocabulary, that a socket would have received.',
      query: UpdatesQuery,
      responses: { 200: { description: 'A page of events', schema: UpdatesPage } },
    }),
    async (request) => {
      const actor = await requirePrincipal(services.verify, request);
      const { since, limit } = parse(UpdatesQuery, request.query);
      const page = await services.replay.page(
        { accountId: actor.accountId, userId: actor.userId, isStaff: isStaff(actor.role) },
        since,
        limit,
      );
      const viewer: Viewer = { ns: '/', dialect: 'default', userId: actor.userId, role: actor.role, teamIds: actor.teamIds };
      const events = page
        .map((e) => ({
          seq: e.seq,
          id: e.eventId,
          type: e.type,
          createdAt: e.createdAt,
          deliveries: services.broadcaster
            .deliveries(e)
            .filter((d) => viewerReceives(d, viewer))
            .map((d) => ({ event: d.event, payload: withEnvelope(d.payload, e.seq, e.eventId) })),
        }))
        .filter((e) => e.deliveries.length > 0);
      // lastSeq covers events the caller may not see too, so the next poll starts after them.
      const lastSeq = page.length ? page[page.length - 1]!.seq : since;
      return { events, lastSeq, more: page.length === limit };
    },
  );
}

/**
 * Serves `route` at `alias` as well, with everything the route is registered with (handler, auth,
 * config, documentation): the named namespaces' clients poll `GET /tickets/updates?since=`. Done in Fastify's `onRoute`,
 * the documented place to add a route for another one; once, so the copy is not copied again.
 */
function aliasRoute(app: FastifyInstance, method: 'GET', route: string, alias: string): void {
  let added = false;
  app.addHook('onRoute', function (options) {
    if (added || options.method !== method || options.url !== route) return;
    added = true;
    this.route({ ...options, url: alias });
  });
}
