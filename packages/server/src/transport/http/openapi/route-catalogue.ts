import type { FastifyInstance } from 'fastify';

import type { RouteDoc } from './route-doc';

export interface CataloguedRoute {
  method: string;
  url: string;
  doc?: RouteDoc;
  /** Marked `schema.hide` (static files): registered, deliberately not in the reference. */
  hidden: boolean;
}

/**
 * Every route registered on `app` after this call, with its documentation.
 * Install it before any route, so that none escapes the reference.
 */
export function catalogueRoutes(app: FastifyInstance): CataloguedRoute[] {
  const routes: CataloguedRoute[] = [];
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    const hidden = (route.schema as { hide?: boolean } | undefined)?.hide === true;
    for (const method of methods) {
      // Fastify adds a HEAD twin to every GET; the GET documents both.
      if (method === 'HEAD') continue;
      routes.push({ method, url: route.url, doc: route.config?.openapi, hidden });
    }
  });
  return routes;
}
