import type { FastifyInstance } from 'fastify';
import { z } from 'zod';

import { buildOpenApiDocument, type OpenApiDocument } from './openapi/openapi-document';
import { renderReferencePage } from './openapi/reference-page';
import type { CataloguedRoute } from './openapi/route-catalogue';
import { doc } from './openapi/route-doc';

const VERSION = '0.1.0';

/**
 * `GET /openapi.json` and the `/docs` page, built once from the routes that
 * are registered when the server is ready (so routes added by any file appear).
 */
export function openapiRoutes(app: FastifyInstance, routes: readonly CataloguedRoute[]): void {
  let built: { json: OpenApiDocument; html: string } | undefined;
  const document = () => {
    if (!built) {
      const json = buildOpenApiDocument(routes, VERSION);
      built = { json, html: renderReferencePage(json) };
    }
    return built;
  };

  app.get(
    '/openapi.json',
    doc({
      tag: 'Reference',
      auth: 'none',
      summary: 'This API as an OpenAPI 3.1 document',
      responses: { 200: { description: 'The document', schema: z.looseObject({ openapi: z.literal('3.1.0') }) } },
    }),
    async () => document().json,
  );
  app.get(
    '/docs',
    doc({
      tag: 'Reference',
      auth: 'none',
      summary: 'This API as a readable page',
      responses: { 200: { description: 'HTML', contentType: 'text/html' } },
    }),
    async (_request, reply) => reply.type('text/html; charset=utf-8').send(document().html),
  );
}
