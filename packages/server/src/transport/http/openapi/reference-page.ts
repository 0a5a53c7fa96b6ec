/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-argument, @typescript-eslint/no-unsafe-return --
   this page walks the OpenAPI document as plain JSON, any shape a schema may take; its output is only ever HTML text. */
import type { OpenApiDocument } from './openapi-document';

type Json = Record<string, any>;

const esc = (s: unknown) =>
  String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/**
 * The `/docs` page: the OpenAPI document rendered on the server as one plain
 * HTML page, so it works offline, needs no script and no CDN, and cannot
 * disagree with `/openapi.json`.
 */
export function renderReferencePage(doc: OpenApiDocument): string {
  const ops: Array<{ path: string; method: string; op: Json }> = [];
  for (const [path, methods] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(methods)) ops.push({ path, method, op });
  }
  const tags = [...new Set(ops.map((o) => o.op.tags?.[0] ?? 'Other'))];
  const byTag = (tag: string) => ops.filter((o) => (o.op.tags?.[0] ?? 'Other') === tag);

  const nav = tags
    .map(
      (tag) =>
        `<h3>${esc(tag)}</h3><ul>${byTag(tag)
          .map(
            (o) =>
              `<li><a href="#${esc(o.op.operationId)}"><span class="m ${o.method}">${o.method.toUpperCase()}</span> ${esc(o.path)}</a></li>`,
          )
          .join('')}</ul>`,
    )
    .join('');
  const body = tags.map((tag) => `<h2>${esc(tag)}</h2>${byTag(tag).map(renderOperation).join('')}`).join('');
  const schemas = Object.entries(doc.components.schemas)
    .map(([name, s]) => `<section id="schema-${esc(name)}" class="op"><h3>${esc(name)}</h3>${schemaView(s)}</section>`)
    .join('');

  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(doc.info.title)} ${esc(doc.info.version)}</title>
<style>
body{margin:0;font:15px/1.5 system-ui,sans-serif;color:#1d2433;display:flex}
nav{width:360px;flex:none;height:100vh;overflow:auto;position:sticky;top:0;background:#f5f6f8;padding:16px;box-sizing:border-box;font-size:13px}
nav ul{list-style:none;padding:0;margin:0 0 8px}nav a{color:inherit;text-decoration:none;display:block;padding:2px 0;white-space:nowrap;overflow:hidden;text-overflow:ellipsis;font-family:ui-monospace,monospace;font-size:12px}
nav h3{margin:12px 0 4px;font-size:12px;text-transform:uppercase;color:#667}
main{flex:1;padding:24px 40px;max-width:980px}
.op{border:1px solid #dde1e8;border-radius:8px;padding:12px 16px;margin:12px 0}
.op h3{margin:0 0 4px;font-family:ui-monospace,monospace;font-size:15px}
.m{display:inline-block;min-width:52px;font:600 11px ui-monospace,monospace;padding:2px 4px;border-radius:4px;color:#fff;text-align:center}
.get{background:#2f7d32}.post{background:#1f5fbf}.patch{background:#a86400}.put{background:#6b3fa0}.delete{background:#b3261e}
table{border-collapse:collapse;width:100%;font-size:13px}td,th{border-top:1px solid #eef0f3;padding:4px 6px;text-align:left;vertical-align:top}
details{margin:4px 0}summary{cursor:pointer;color:#667;font-size:12px}code{background:#f0f1f4;border-radius:3px;padding:0 3px;font-size:13px}
pre{background:#f5f6f8;padding:8px;border-radius:6px;overflow:auto;font-size:12px;margin:4px 0}
.muted{color:#667}.auth{font-size:12px;background:#eef2ff;border-radius:4px;padding:1px 6px}
</style></head><body>
<nav><strong>${esc(doc.info.title)}</strong><div class="muted">version ${esc(doc.info.version)} · <a href="/openapi.json">openapi.json</a></div>${nav}<h3>Schemas</h3><ul>${Object.keys(
    doc.components.schemas,
  )
    .map((n) => `<li><a href="#schema-${esc(n)}">${esc(n)}</a></li>`)
    .join('')}</ul></nav>
<main><h1>${esc(doc.info.title)}</h1><p>${prose(doc.info.description)}</p>
<p class="muted">The same document as JSON: <a href="/openapi.json"><code>/openapi.json</code></a> (OpenAPI 3.1), for code generators and API clients.</p>
${body}<h2>Schemas</h2>${schemas}</main></body></html>`;
}

function renderOperation({ path, method, op }: { path: string; method: string; op: Json }): string {
  const security = (op.security as Json[] | undefined)?.[0];
  const auth = !security ? 'public' : 'bearer' in security ? 'Bearer JWT' : 'x-internal-api-key';
  const params = (op.parameters as Json[]).length
    ? `<table><tr><th>parameter</th><th>in</th><th>type</th><th>required</th></tr>${(op.parameters as Json[])
        .map(
          (p) =>
            `<tr><td><code>${esc(p.name)}</code>${p.description ? `<div class="muted">${esc(p.description)}</div>` : ''}</td><td>${esc(p.in)}</td><td>${esc(typeOf(p.schema))}</td><td>${p.required ? 'yes' : ''}</td></tr>`,
        )
        .join('')}</table>`
    : '';
  const request = op.requestBody as { description?: string; content: Record<string, Json> } | undefined;
  const json = request?.content['application/json'];
  // A raw upload names its content types instead of a JSON schema.
  const body = request
    ? `<h4>Request body</h4>${json ? schemaView(json.schema) : `<div class="muted">${esc(request.description ?? '')}: ${esc(Object.keys(request.content).join(', '))}</div>`}`
    : '';
  const responses = Object.entries(op.responses as Record<string, Json>)
    .map(([status, r]) => {
      const content = r.content ? Object.entries(r.content as Record<string, Json>)[0] : undefined;
      const schema = content?.[1]?.schema ? schemaView(content[1].schema) : content ? `<div class="muted">${esc(content[0])}</div>` : '';
      return `<tr><td><strong>${esc(status)}</strong></td><td>${esc(r.description)}${schema}</td></tr>`;
    })
    .join('');
  return `<section class="op" id="${esc(op.operationId)}">
<h3><span class="m ${method}">${method.toUpperCase()}</span> ${esc(path)}</h3>
<div>${esc(op.summary)} <span class="auth">${auth}</span></div>${op.description ? `<p class="muted">${prose(op.description)}</p>` : ''}
${params}${body}<h4>Responses</h4><table>${responses}</table></section>`;
}

/** `code` spans in descriptions; everything else escaped. */
function prose(text: string): string {
  return esc(text).replace(/`([^`]+)`/g, '<code>$1</code>');
}

/** An object schema as a table of its fields, with the JSON Schema folded underneath; other schemas as JSON. */
function schemaView(schema: Json): string {
  if (schema.$ref || schema.type !== 'object' || !schema.properties) return code(schema);
  const required = new Set<string>(schema.required ?? []);
  const rows = Object.entries(schema.properties as Record<string, Json>)
    .map(
      ([name, s]) =>
        `<tr><td><code>${esc(name)}</code></td><td>${typeCell(s)}</td><td>${required.has(name) ? 'yes' : ''}</td><td class="muted">${s.description ? prose(s.description) : constraints(s)}</td></tr>`,
    )
    .join('');
  return `<table><tr><th>field</th><th>type</th><th>required</th><th></th></tr>${rows}</table><details><summary>JSON Schema</summary><pre>${esc(JSON.stringify(schema, null, 2))}</pre></details>`;
}

function typeCell(s: Json): string {
  if (s.$ref) return refLink(s.$ref);
  if (s.type === 'array' && s.items?.$ref) return `${typeCell(s.items)}[]`;
  return esc(typeOf(s));
}

function constraints(s: Json): string {
  const parts: string[] = [];
  if (s.minLength !== undefined || s.maxLength !== undefined) parts.push(`length ${s.minLength ?? 0}–${s.maxLength ?? '∞'}`);
  if (s.minimum !== undefined || s.maximum !== undefined) parts.push(`${s.minimum ?? '−∞'} to ${s.maximum ?? '∞'}`);
  if (s.pattern) parts.push(`matches ${s.pattern}`);
  if (s.default !== undefined) parts.push(`default ${JSON.stringify(s.default)}`);
  return esc(parts.join('; '));
}

function typeOf(schema: Json | undefined): string {
  if (!schema) return 'any';
  if (schema.const !== undefined) return JSON.stringify(schema.const);
  if (schema.enum) return (schema.enum as unknown[]).join(' | ');
  if (schema.type === 'array') return `${typeOf(schema.items)}[]`;
  if (schema.anyOf) return (schema.anyOf as Json[]).map(typeOf).join(' | ');
  return String(schema.type ?? schema.format ?? 'any');
}

function refLink(ref: string): string {
  const name = ref.split('/').pop()!;
  return `<a href="#schema-${esc(name)}">${esc(name)}</a>`;
}

function code(schema: unknown): string {
  if (schema && typeof schema === 'object' && '$ref' in schema) return `<div>→ ${refLink(String((schema as Json).$ref))}</div>`;
  return `<pre>${esc(JSON.stringify(schema, null, 2))}</pre>`;
}
