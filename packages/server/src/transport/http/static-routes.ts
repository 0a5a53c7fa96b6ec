import { createReadStream, existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply } from 'fastify';

import { doc } from './openapi/route-doc';

// The files themselves (fastify-static) are marked schema.hide: pages, not API.
const page = (summary: string) =>
  doc({
    tag: 'Web apps',
    auth: 'none',
    summary,
    responses: {
      200: { description: 'HTML', contentType: 'text/html' },
      503: { description: 'Not built yet (npm run build:web)', contentType: 'text/html' },
    },
  });

const REPO = rootWithApps(dirname(fileURLToPath(import.meta.url)));
const DASHBOARD_DIST = resolve(REPO, 'apps/dashboard/dist');
const WIDGET_DIST = resolve(REPO, 'apps/widget/dist');

/**
 * The built front ends: the agent dashboard at `/` (hash routing, so no
 * fallback route is needed) and the customer widget under `/widget/`, with its
 * demo page at `/widget/demo`. Hashed assets are cached for good; HTML is
 * always revalidated so a rebuild shows at once. When a build is missing the
 * page says how to make it instead of a bare 404.
 */
export function staticRoutes(app: FastifyInstance, dirs: { dashboard?: string; widget?: string } = {}): void {
  const dashboard = dirs.dashboard ?? DASHBOARD_DIST;
  const widget = dirs.widget ?? WIDGET_DIST;
  const headers = (reply: FastifyReply, path: string) => {
    reply.header('cache-control', /[\\/]assets[\\/]/.test(path) ? 'public, max-age=31536000, immutable' : 'no-cache');
  };

  if (existsSync(dashboard)) {
    void app.register(fastifyStatic, { root: dashboard, prefix: '/', index: 'index.html', cacheControl: false, setHeaders: headers });
  } else {
    app.get('/', page('The agent dashboard'), (_req, reply) => notBuilt(reply, 'dashboard'));
  }

  if (existsSync(widget)) {
    void app.register(fastifyStatic, { root: widget, prefix: '/widget/', decorateReply: false, cacheControl: false, setHeaders: headers });
  }
  app.get('/widget/demo', page("The customer widget's demo page"), (_req, reply) => {
    if (!existsSync(resolve(widget, 'demo.html'))) return notBuilt(reply, 'widget');
    return reply
      .type('text/html; charset=utf-8')
      .header('cache-control', 'no-cache')
      .send(createReadStream(resolve(widget, 'demo.html')));
  });
}

function notBuilt(reply: FastifyReply, what: string) {
  return reply
    .status(503)
    .type('text/html; charset=utf-8')
    .send(`<!doctype html><title>Switchboard</title><p>The ${what} is not built yet. Run <code>npm run build:web</code>, then reload.</p>`);
}

/** The nearest ancestor holding `apps/`: the checkout from src/, the release tree from the bundled dist/. */
function rootWithApps(from: string): string {
  for (let dir = from; dirname(dir) !== dir; dir = dirname(dir)) {
    if (existsSync(resolve(dir, 'apps'))) return dir;
  }
  return from;
}
