import { ErrorPayload } from '@switchboard/protocol';
import { z } from 'zod';

import type { CataloguedRoute } from './route-catalogue';
import { nameOf, type RouteDoc } from './route-doc';

type Json = Record<string, unknown>;

export interface OpenApiDocument {
  openapi: '3.1.0';
  info: { title: string; version: string; description: string };
  paths: Record<string, Record<string, Json>>;
  components: { schemas: Record<string, Json>; securitySchemes: Record<string, Json> };
}

const ErrorBody = z.object({ error: ErrorPayload });

const ERRORS: Record<number, string> = {
  400: 'VALIDATION_FAILED: the request does not match its schema (details.issues lists each problem)',
  401: 'MISSING_TOKEN, AUTH_TOKEN_INVALID or AUTH_TOKEN_EXPIRED',
  403: "FORBIDDEN: the caller's role or tenant may not do this",
  404: "NOT_FOUND: no such resource in the caller's tenant",
  413: 'PAYLOAD_TOO_LARGE: the body or one of its strings is too large',
  429: "RATE_LIMITED: over the user's or tenant's budget (details.retryAfterMs)",
};

/**
 * The OpenAPI 3.1 document of the registered, documented routes. Schemas come
 * from zod (`z.toJSONSchema`, JSON Schema 2020-12, which OpenAPI 3.1 uses):
 * inputs as the client sends them, responses as the server writes them.
 */
export function buildOpenApiDocument(routes: readonly CataloguedRoute[], version: string): OpenApiDocument {
  const schemas: Record<string, Json> = { Error: jsonSchema(ErrorBody, 'output') };
  const ref = (schema: z.ZodType, io: 'input' | 'output'): Json => {
    const name = nameOf(schema);
    if (!name) return jsonSchema(schema, io);
    schemas[name] ??= jsonSchema(schema, io);
    return { $ref: `#/components/schemas/${name}` };
  };
  const paths: OpenApiDocument['paths'] = {};
  for (const route of routes) {
    if (!route.doc) continue;
    const path = route.url.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
    (paths[path] ??= {})[route.method.toLowerCase()] = operation(route, route.doc, ref);
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Switchboard HTTP API',
      version,
      description:
        'The HTTP side of Switchboard. Calls carry `Authorization: Bearer <jwt>` (docs/auth.md) unless marked internal ' +
        '(`x-internal-api-key`) or public. Every failure is `{ error: { code, message, details? } }` with the status of its code.',
    },
    paths,
    components: {
      schemas,
      securitySchemes: {
        bearer: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description: 'A JWT with sub, accountId, role and exp (docs/auth.md).',
        },
        internalKey: {
          type: 'apiKey',
          in: 'header',
          name: 'x-internal-api-key',
          description: "INTERNAL_API_KEY, for the company's own backend.",
        },
      },
    },
  };
}

function operation(route: CataloguedRoute, d: RouteDoc, ref: (s: z.ZodType, io: 'input' | 'output') => Json): Json {
  const op: Json = {
    operationId: operationId(route.method, route.url),
    summary: d.summary,
    tags: [d.tag],
    parameters: [...parameters(d.params, 'path'), ...parameters(d.query, 'query')],
  };
  if (d.description) op.description = d.description;
  if (d.auth === 'bearer') op.security = [{ bearer: [] }];
  else if (d.auth === 'internal') op.security = [{ internalKey: [] }];
  else op.security = [];
  if (d.body) op.requestBody = { required: true, content: { 'application/json': { schema: ref(d.body, 'input') } } };
  if (d.binaryBody) {
    const content: Json = {};
    for (const type of d.binaryBody.contentTypes) content[type] = { schema: { type: 'string', contentMediaType: type } };
    op.requestBody = { required: true, description: d.binaryBody.description, content };
  }

  const responses: Json = {};
  for (const [status, r] of Object.entries(d.responses)) {
    responses[status] =
      r.schema || r.contentType
        ? {
            description: r.description,
            content: { [r.contentType ?? 'application/json']: r.schema ? { schema: ref(r.schema, 'output') } : {} },
          }
        : { description: r.description };
  }
  const errors = [
    ...(d.params || d.query || d.body ? [400] : []),
    ...(d.auth === 'none' ? [] : [401]),
    ...(d.auth === 'bearer' ? [403] : []),
    ...(d.params ? [404] : []),
    ...(d.body || d.binaryBody ? [413] : []),
    ...(d.auth === 'bearer' && route.method !== 'GET' ? [429] : []),
  ];
  for (const status of errors) {
    responses[status] ??= {
      description: ERRORS[status],
      content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
    };
  }
  op.responses = responses;
  return op;
}

function parameters(schema: z.ZodType | undefined, where: 'path' | 'query'): Json[] {
  if (!schema) return [];
  const json = jsonSchema(schema, 'input') as { properties?: Record<string, Json>; required?: string[] };
  return Object.entries(json.properties ?? {}).map(([name, s]) => {
    const { description, ...rest } = s;
    const p: Json = { name, in: where, required: where === 'path' || (json.required ?? []).includes(name), schema: rest };
    if (description) p.description = description;
    return p;
  });
}

function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): Json {
  const { $schema: _drop, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any', target: 'draft-2020-12' }) as Json;
  return rest;
}

function operationId(method: string, url: string): string {
  const words = url
    .split('/')
    .filter(Boolean)
    .map((w) => (w.startsWith(':') ? `by-${w.slice(1)}` : w));
  return [method.toLowerCase(), ...words]
    .join('-')
    .replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ? c.toUpperCase() : ''));
}
