import { Id } from '@switchboard/protocol';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';

import type { ClusterKit } from '../../cluster/cluster-kit';
import { createKeyedLimiter } from '../../cluster/rate-limiter';
import { SiteOrigin, WidgetOptions } from '../../domain/widget-service';
import { AppError } from '../../errors';
import type { Services } from '../../services';
import { requirePrincipal } from './http-auth';
import { doc, named } from './openapi/route-doc';
import { parse } from './parse';

const WidgetSettingsModel = named(
  'WidgetSettings',
  z.object({
    accountId: Id,
    publicKey: z.string().describe('goes in the page (`data-key`); not a secret'),
    identitySecret: z.string().describe('signs user ids (identity verification); keep it on your server'),
    origins: z.array(z.string()).describe('site origins allowed to start widget sessions'),
    options: WidgetOptions,
  }),
);
const SettingsChange = z.object({
  origins: z.array(SiteOrigin).max(100).optional(),
  options: WidgetOptions.partial().optional(),
  rotate: z
    .array(z.enum(['publicKey', 'identitySecret']))
    .max(2)
    .optional()
    .describe('issue a new key or secret; the old one stops working at once'),
});
const SessionBody = z.object({
  key: z.string().min(1).max(100).describe("the tenant's public widget key"),
  visitorId: z.string().max(100).optional().describe('the id an earlier session gave this browser'),
  userId: Id.optional().describe('identity verification: your user id …'),
  userHash: z.string().max(128).optional().describe('… and hex HMAC-SHA256(identitySecret, userId), computed on your server'),
  name: z.string().trim().min(1).max(200).optional().describe('pre-chat answer'),
  email: z.string().trim().email().max(320).optional().describe('pre-chat answer'),
});
const WidgetSessionModel = named(
  'WidgetSession',
  z.object({
    token: z.string().describe('customer JWT; renew by calling this route again before expiresAt'),
    expiresAt: z.number().int().describe('seconds since the epoch'),
    tenantId: Id,
    visitorId: z.string().describe('keep it (localStorage) and send it back: the same visitor, the same history'),
    customerId: Id,
    identified: z.boolean(),
    merged: z.number().int().describe('anonymous conversations moved to the identified customer by this call'),
    options: WidgetOptions,
    contact: z.object({ name: z.string().nullable(), email: z.string().nullable() }),
  }),
);

const StatusQuery = z.object({ conversationId: Id.optional() });
const WidgetStatusModel = named(
  'WidgetStatus',
  z.object({
    online: z.boolean().describe('an admin or agent of the tenant is connected'),
    assignee: z.object({ id: Id, name: z.string().nullable() }).nullable(),
  }),
);

/**
 * The widget on any website (issue 17): admins read and change their tenant's
 * widget key, allowed origins and options; pages start anonymous or verified
 * visitor sessions with the public key. Session creation is rate-limited per
 * IP before the key is looked up (so keys cannot be guessed quickly), then per key.
 */
export function widgetRoutes(app: FastifyInstance, services: Services, store?: ClusterKit['rateLimitStore']): void {
  const { config } = services;
  const window = config.WIDGET_SESSIONS_WINDOW_S;
  const perIp = createKeyedLimiter('rl:widget-ip', { points: config.WIDGET_SESSIONS_PER_IP, windowSeconds: window }, store);
  const perKey = createKeyedLimiter('rl:widget-key', { points: config.WIDGET_SESSIONS_PER_KEY, windowSeconds: window }, store);

  app.get(
    '/api/widget/settings',
    doc({
      tag: 'Widget',
      auth: 'bearer',
      summary: "Read the tenant's widget settings",
      description: 'Admins only. Made with a fresh key and identity secret on first read.',
      responses: { 200: { description: 'The settings', schema: WidgetSettingsModel } },
    }),
    async (request) => {
      const actor = await requirePrincipal(services.verify, request);
      return services.widget.settings(actor);
    },
  );

  app.patch(
    '/api/widget/settings',
    doc({
      tag: 'Widget',
      auth: 'bearer',
      summary: "Change the tenant's widget settings",
      description: 'Admins only. `origins` replaces the allowlist.',
      body: SettingsChange,
      responses: { 200: { description: 'The settings after the change', schema: WidgetSettingsModel } },
    }),
    async (request) => {
      const actor = await requirePrincipal(services.verify, request);
      return services.widget.update(actor, parse(SettingsChange, request.body ?? {}));
    },
  );

  app.get(
    '/api/widget/status',
    doc({
      tag: 'Widget',
      auth: 'bearer',
      summary: "The widget header: availability and the conversation's agent",
      description:
        'For the customer (or anyone who may read the conversation); the widget asks again every 20 s and when the conversation changes.',
      query: StatusQuery,
      responses: { 200: { description: 'Availability and assignee', schema: WidgetStatusModel } },
    }),
    async (request) => {
      const actor = await requirePrincipal(services.verify, request);
      return services.widget.status(actor, parse(StatusQuery, request.query).conversationId);
    },
  );

  app.post(
    '/api/widget/sessions',
    doc({
      tag: 'Widget',
      auth: 'none',
      summary: 'Start or renew a visitor session',
      description:
        "Called by the widget from a page whose Origin is on the tenant's allowlist: 401 `MISSING_TOKEN` without a key, 401 `AUTH_TOKEN_INVALID` for an unknown key, 403 `FORBIDDEN` for a foreign origin or a wrong userHash, 429 `RATE_LIMITED` (with `retryAfterMs`) per IP and per key.",
      body: SessionBody,
      responses: { 200: { description: 'A customer token for the visitor', schema: WidgetSessionModel } },
    }),
    async (request) => {
      await perIp(request.ip);
      const raw = (request.body ?? {}) as Record<string, unknown>;
      if (typeof raw.key !== 'string' || raw.key === '')
        throw new AppError('MISSING_TOKEN', 'Send the widget key (`key`)', { reason: 'MISSING_WIDGET_KEY' });
      const body = parse(SessionBody, raw);
      await perKey(body.key);
      const origin = typeof request.headers.origin === 'string' ? request.headers.origin : null;
      return services.widget.createSession({ ...body, origin });
    },
  );
}
