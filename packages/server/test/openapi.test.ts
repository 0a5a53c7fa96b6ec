import { Ajv2020 } from 'ajv/dist/2020.js';
import { expect, it } from 'vitest';

import { forEachServer, INTERNAL_KEY } from './support/server';

/** Every (method, path) Fastify serves, read from its own route tree, independent of the catalogue behind /openapi.json. */
function registeredRoutes(tree: string): Array<{ method: string; path: string }> {
  const out: Array<{ method: string; path: string }> = [];
  const stack: string[] = [];
  for (const line of tree.split('\n')) {
    const m = /^((?:[│ ] {3})*)[├└]── (\S+)(?: \(([A-Z, ]+)\))?$/.exec(line);
    if (!m) continue;
    const depth = m[1]!.length / 4;
    stack.length = depth;
    stack.push(m[2]!);
    for (const method of m[3]?.split(', ') ?? []) out.push({ method, path: stack.join('') });
  }
  return out;
}

const toOpenApiPath = (path: string) => path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');

forEachServer(
  'OpenAPI document',
  (t) => {
    it('documents every registered route, and only registered ones', async () => {
      const { body: spec } = await t.http('GET', '/openapi.json');
      expect(spec.openapi).toBe('3.1.0');
      const routes = registeredRoutes(t.sb().app.printRoutes({ commonPrefix: false }));
      expect(routes.length).toBeGreaterThan(30);
      const missing = routes
        // HEAD twins follow their GET; OPTIONS * is CORS preflight; `*` paths serve the web apps' files.
        .filter((r) => r.method !== 'HEAD' && r.method !== 'OPTIONS' && !r.path.includes('*'))
        .filter((r) => !spec.paths[toOpenApiPath(r.path)]?.[r.method.toLowerCase()])
        .map((r) => `${r.method} ${r.path}`);
      expect(missing).toEqual([]);
      for (const [path, methods] of Object.entries<Record<string, unknown>>(spec.paths)) {
        for (const method of Object.keys(methods)) {
          expect(t.sb().app.hasRoute({ method: method.toUpperCase(), url: path.replace(/\{(\w+)\}/g, ':$1') }), `${method} ${path}`).toBe(
            true,
          );
        }
      }
    });

    it('covers the contract and the second-round routes', async () => {
      const { body: spec } = await t.http('GET', '/openapi.json');
      const has = (method: string, path: string) => expect(spec.paths[path]?.[method], `${method} ${path}`).toBeDefined();
      has('post', '/api/conversations');
      has('get', '/api/conversations/{id}/messages');
      has('post', '/api/conversations/{id}/messages');
      has('post', '/api/tickets');
      has('patch', '/api/tickets/{id}');
      has('get', '/api/updates');
      has('patch', '/api/ai/settings');
      has('post', '/api/credits/topup');
      has('post', '/api/ai/knowledge');
      has('get', '/api/conversations/{id}/handoffs');
      has('post', '/internal/emit');
      has('post', '/internal/maintenance');
      has('get', '/healthz');
      has('get', '/readyz');
      has('get', '/metrics');
      has('get', '/api/me');
      expect(spec.paths['/internal/emit'].post.security).toEqual([{ internalKey: [] }]);
      expect(spec.paths['/api/tickets'].post.security).toEqual([{ bearer: [] }]);
      expect(spec.paths['/api/tickets'].post.requestBody.content['application/json'].schema.required).toEqual(['subject']);
    });

    it('describes the bodies the server really sends', async () => {
      const { body: spec } = await t.http('GET', '/openapi.json');
      const ajv = new Ajv2020({ strict: false, validateFormats: false });
      for (const [name, schema] of Object.entries<object>(spec.components.schemas)) ajv.addSchema(schema, `#/components/schemas/${name}`);
      const check = (method: string, path: string, status: number, body: unknown) => {
        const schema = spec.paths[path][method].responses[status].content['application/json'].schema;
        const validate = ajv.compile(schema.$ref ? { $ref: schema.$ref } : schema);
        expect(validate(body), `${method} ${path} ${status}: ${JSON.stringify(validate.errors)}`).toBe(true);
      };
      const admin = await t.token({ sub: 'oa-admin', accountId: 'oa', role: 'admin', name: 'Ada' });
      const conv = await t.http('POST', '/api/conversations', { token: admin, body: { subject: 'Hi' } });
      check('post', '/api/conversations', 201, conv.body);
      const msg = await t.http('POST', `/api/conversations/${conv.body.id}/messages`, { token: admin, body: { content: 'hello' } });
      check('post', '/api/conversations/{id}/messages', 201, msg.body);
      check('get', '/api/conversations', 200, (await t.http('GET', '/api/conversations', { token: admin })).body);
      check(
        'get',
        '/api/conversations/{id}/messages',
        200,
        (await t.http('GET', `/api/conversations/${conv.body.id}/messages`, { token: admin })).body,
      );
      const ticket = await t.http('POST', '/api/tickets', { token: admin, body: { subject: 'Broken', conversationId: conv.body.id } });
      check('post', '/api/tickets', 201, ticket.body);
      check('get', '/api/updates', 200, (await t.http('GET', '/api/updates?since=0', { token: admin })).body);
      check('get', '/api/ai/settings', 200, (await t.http('GET', '/api/ai/settings', { token: admin })).body);
      check('post', '/api/credits/topup', 201, (await t.http('POST', '/api/credits/topup', { token: admin, body: { amount: 5 } })).body);
      check('get', '/api/credits', 200, (await t.http('GET', '/api/credits', { token: admin })).body);
      check('get', '/api/me', 200, (await t.http('GET', '/api/me', { token: admin })).body);
      check('get', '/readyz', 200, (await t.http('GET', '/readyz')).body);
      const maintenance = await t.http('POST', '/internal/maintenance', {
        headers: { 'x-internal-api-key': INTERNAL_KEY },
        body: { message: 'soon', startsAt: Date.now() },
      });
      check('post', '/internal/maintenance', 200, maintenance.body);
      const refused = await t.http('POST', '/api/tickets', { token: admin, body: { subject: '' } });
      expect(refused.status).toBe(400);
      check('post', '/api/tickets', 400, refused.body);
    });

    it('serves a readable reference page at /docs that names every path', async () => {
      const res = await fetch(t.url('/docs'));
      expect(res.headers.get('content-type')).toMatch(/text\/html/);
      const html = await res.text();
      const { body: spec } = await t.http('GET', '/openapi.json');
      for (const path of Object.keys(spec.paths)) expect(html).toContain(`</span> ${path.replace(/&/g, '&amp;')}</h3>`);
      expect(html).not.toMatch(/<script|https?:\/\/(?!127\.0\.0\.1)[a-z]/i);
    });
  },
  { demo: true },
  ['pglite'],
);
