import type { z } from 'zod';

/** Who may call a route: a Bearer JWT, the `x-internal-api-key` header, or anyone. */
export type RouteAuth = 'bearer' | 'internal' | 'none';

export interface ResponseDoc {
  description: string;
  /** The body's schema; a named one ({@link named}) becomes a shared component. */
  schema?: z.ZodType;
  /** Defaults to application/json. */
  contentType?: string;
}

/**
 * What `/openapi.json` says about one route. `params`, `query` and `body` are
 * the same zod schemas the handler parses with, so the reference cannot drift
 * from what the server accepts.
 */
export interface RouteDoc {
  summary: string;
  description?: string;
  /** Groups routes on the reference page. */
  tag: string;
  auth: RouteAuth;
  params?: z.ZodType;
  query?: z.ZodType;
  body?: z.ZodType;
  /** A body of raw bytes rather than JSON (uploads): the content types it may be sent as. */
  binaryBody?: { contentTypes: readonly string[]; description: string };
  /** Success responses by status; the error responses follow from `auth` and the inputs. */
  responses: Record<number, ResponseDoc>;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Set with {@link doc}; read by the route catalogue (route-catalogue.ts). */
    openapi?: RouteDoc;
  }
}

/**
 * Route options that document a route, to pass as `app.get(url, doc({...}), handler)`.
 * Every route needs one (or `schema: { hide: true }` for files that are not API):
 * test/openapi.test.ts fails for a route without it.
 *
 * @example
 * app.get('/api/tickets/:id', doc({ tag: 'Tickets', auth: 'bearer', summary: 'Read a ticket', params: IdParams,
 *   responses: { 200: { description: 'The ticket', schema: Ticket } } }), async (request) => ...);
 */
export function doc(d: RouteDoc): { config: { openapi: RouteDoc } } {
  return { config: { openapi: d } };
}

const names = new WeakMap<z.ZodType, string>();

/** Marks a schema as a shared component (`#/components/schemas/<name>`) in the document. */
export function named<S extends z.ZodType>(name: string, schema: S): S {
  names.set(schema, name);
  return schema;
}

export function nameOf(schema: z.ZodType): string | undefined {
  return names.get(schema);
}
