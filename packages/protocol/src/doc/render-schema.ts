import type { z } from 'zod';

/** Which side of a schema to show: what a sender writes (`input`) or what a receiver gets (`output`). */
export type SchemaSide = 'input' | 'output';

export interface RenderSchemaOptions {
  side: SchemaSide;
  /**
   * Schemas shown by name wherever they appear below the top level; named
   * objects also collapse to `...Name` when an object carries all their fields.
   */
  names?: ReadonlyMap<z.core.$ZodType, string>;
}

interface Ctx {
  side: SchemaSide;
  names: ReadonlyMap<z.core.$ZodType, string>;
  spreads: ReadonlyArray<{ name: string; schema: z.core.$ZodType; fields: Record<string, z.core.$ZodType> }>;
  /** Guards against self-referencing lazy schemas. */
  depth: number;
}

const MAX_DEPTH = 12;

/**
 * A compact, TypeScript-like rendering of a zod 4 schema for documentation,
 * e.g. `{ conversationId: Id, content: string(1..10000), contentType?: ContentType = "text" }`.
 * Reads only the schema's definition; never parses anything. Kinds it does not
 * know render as their zod type name rather than failing.
 */
export function renderSchema(schema: z.core.$ZodType, options: RenderSchemaOptions): string {
  const names = options.names ?? new Map<z.core.$ZodType, string>();
  const spreads: Array<Ctx['spreads'][number]> = [];
  for (const [named, name] of names) {
    const def = (named as z.core.$ZodTypes)._zod.def;
    if (def.type === 'object') spreads.push({ name, schema: named, fields: def.shape });
  }
  // Widest first, so a model is preferred to a smaller one sharing its fields.
  spreads.sort((a, b) => Object.keys(b.fields).length - Object.keys(a.fields).length);
  const ctx: Ctx = { side: options.side, names, spreads, depth: 0 };
  const def = (schema as z.core.$ZodTypes)._zod.def;
  if (def.type === 'optional') return `${render(def.innerType, ctx)} (optional)`;
  return render(schema, ctx);
}

function render(schema: z.core.$ZodType, ctx: Ctx): string {
  const name = ctx.depth > 0 ? ctx.names.get(schema) : undefined;
  if (name) return name;
  if (ctx.depth > MAX_DEPTH) return '…';
  const inner: Ctx = { ...ctx, depth: ctx.depth + 1 };
  const def = (schema as z.core.$ZodTypes)._zod.def;
  switch (def.type) {
    case 'string':
      return `string${stringFormat(def.checks)}${wrap(lengthRange(def.checks), '(', ')')}`;
    case 'number':
      return numberRange(def.checks);
    case 'literal':
      return def.values.map(literal).join(' | ');
    case 'enum':
      return Object.values(def.entries).map(literal).join(' | ');
    case 'array':
      return `${group(render(def.element, inner))}[${lengthRange(def.checks)}]`;
    case 'tuple': {
      const items = def.items.map((item) => render(item, inner));
      if (def.rest) items.push(`...${group(render(def.rest, inner))}[]`);
      return `[${items.join(', ')}]`;
    }
    case 'object':
      return renderObject(schema, def.shape, inner);
    case 'record':
      return `Record<${render(def.keyType, inner)}, ${render(def.valueType, inner)}>`;
    case 'map':
      return `Map<${render(def.keyType, inner)}, ${render(def.valueType, inner)}>`;
    case 'set':
      return `Set<${render(def.valueType, inner)}>`;
    case 'union':
      return def.options.map((option) => render(option, inner)).join(' | ');
    case 'intersection':
      return `${group(render(def.left, inner))} & ${group(render(def.right, inner))}`;
    case 'optional':
      return `${render(def.innerType, inner)} | undefined`;
    case 'nullable':
      return `${render(def.innerType, inner)} | null`;
    case 'default':
    case 'prefault':
    case 'catch':
    case 'nonoptional':
    case 'readonly':
      return render(def.innerType, inner);
    case 'pipe':
      return render(pipeSide(def, ctx.side), inner);
    case 'lazy':
      return render(def.getter(), inner);
    case 'promise':
      return `Promise<${render(def.innerType, inner)}>`;
    case 'transform':
    case 'custom':
      return 'unknown';
    case 'template_literal':
      return 'string';
    default:
      return def.type;
  }
}

function renderObject(schema: z.core.$ZodType, shape: Record<string, z.core.$ZodType>, ctx: Ctx): string {
  const left = new Map(Object.entries(shape));
  const parts: Array<{ at: number; text: string }> = [];
  const order = Object.keys(shape);
  for (const { name, schema: named, fields } of ctx.spreads) {
    const keys = Object.keys(fields);
    if (named === schema || keys.length === 0) continue;
    if (!keys.every((key) => left.get(key) === fields[key])) continue;
    for (const key of keys) left.delete(key);
    parts.push({ at: Math.min(...keys.map((key) => order.indexOf(key))), text: `...${name}` });
  }
  for (const [key, field] of left) {
    const optional = ctx.side === 'input' ? field._zod.optin !== undefined : field._zod.optout !== undefined;
    parts.push({ at: order.indexOf(key), text: `${propertyKey(key)}${optional ? '?' : ''}: ${renderField(field, ctx)}` });
  }
  if (parts.length === 0) return schema._zod.def.type === 'object' ? '{}' : 'object';
  parts.sort((a, b) => a.at - b.at);
  return `{ ${parts.map((part) => part.text).join(', ')} }`;
}

/** A field's type; its optionality is already on the key, so an outer `optional` adds nothing. */
function renderField(field: z.core.$ZodType, ctx: Ctx): string {
  const def = (field as z.core.$ZodTypes)._zod.def;
  if (def.type === 'optional') return render(def.innerType, ctx);
  if (def.type === 'default' && ctx.side === 'input') {
    return `${render(def.innerType, ctx)} = ${literal(def.defaultValue)}`;
  }
  return render(field, ctx);
}

/** A transform's output has no schema to show; its input is the nearest honest answer. */
function pipeSide(def: z.core.$ZodPipeDef, side: SchemaSide): z.core.$ZodType {
  if (side === 'input') return def.in;
  return (def.out as z.core.$ZodTypes)._zod.def.type === 'transform' ? def.in : def.out;
}

type Checks = z.core.$ZodTypeDef['checks'];

function checkDefs(checks: Checks): Array<z.core.$ZodChecks['_zod']['def']> {
  return (checks ?? []).map((check) => (check as z.core.$ZodChecks)._zod.def);
}

/** `1..200`, `1..`, `..128`, `5`, or empty when unbounded. */
function lengthRange(checks: Checks): string {
  let min: number | undefined;
  let max: number | undefined;
  for (const check of checkDefs(checks)) {
    if (check.check === 'min_length') min = check.minimum;
    else if (check.check === 'max_length') max = check.maximum;
    else if (check.check === 'length_equals') min = max = check.length;
  }
  if (min === undefined && max === undefined) return '';
  if (min === max) return String(min);
  return `${min ?? 0}..${max ?? ''}`;
}

function wrap(text: string, open: string, close: string): string {
  return text ? `${open}${text}${close}` : '';
}

function stringFormat(checks: Checks): string {
  for (const check of checkDefs(checks)) {
    if (check.check === 'string_format' && check.format !== 'regex') return `<${check.format}>`;
  }
  return '';
}

function numberRange(checks: Checks): string {
  let base = 'number';
  const bounds: string[] = [];
  let min: string | undefined;
  let max: string | undefined;
  for (const check of checkDefs(checks)) {
    if (check.check === 'number_format' && /int/.test(check.format)) base = 'int';
    else if (check.check === 'greater_than') min = `${check.inclusive ? '≥' : '>'} ${String(check.value)}`;
    else if (check.check === 'less_than') max = `${check.inclusive ? '≤' : '<'} ${String(check.value)}`;
  }
  if (min?.startsWith('≥') && max?.startsWith('≤')) return `${base} ${min.slice(2)}..${max.slice(2)}`;
  if (min) bounds.push(min);
  if (max) bounds.push(max);
  return bounds.length ? `${base} ${bounds.join(' ')}` : base;
}

function literal(value: unknown): string {
  if (typeof value === 'bigint') return `${value}n`;
  if (value === undefined) return 'undefined';
  // Only a symbol or a function gets here (JSON has no spelling for them); String() names both.
  // eslint-disable-next-line @typescript-eslint/no-base-to-string
  return JSON.stringify(value) ?? String(value);
}

/** Parenthesises a union or intersection, so a following `[]` or `&` binds to all of it. */
function group(text: string): string {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if ('{[(<'.includes(c)) depth++;
    else if ('}])>'.includes(c)) depth--;
    else if (depth === 0 && (c === '|' || c === '&') && text[i - 1] === ' ') return `(${text})`;
  }
  return text;
}

function propertyKey(key: string): string {
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(key) ? key : JSON.stringify(key);
}
