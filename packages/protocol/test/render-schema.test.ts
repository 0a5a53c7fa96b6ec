import { describe, expect, it } from 'vitest';
import { z } from 'zod';

import { renderSchema } from '../src/doc/render-schema';

const Point = z.object({ x: z.number(), y: z.number() });
const Base = z.object({ seq: z.number().int().optional() });
const names = new Map<z.core.$ZodType, string>([
  [Point, 'Point'],
  [Base, 'Base'],
]);
const input = (schema: z.core.$ZodType) => renderSchema(schema, { side: 'input', names });
const output = (schema: z.core.$ZodType) => renderSchema(schema, { side: 'output', names });

describe('renderSchema', () => {
  it('shows bounds, defaults and optional keys as a sender writes them', () => {
    const schema = z.object({
      id: z.string().min(1).max(128),
      kind: z.enum(['a', 'b']).default('a'),
      note: z.string().optional(),
      count: z.number().int().min(0),
      ratio: z.number().min(0).max(1),
    });
    expect(input(schema)).toBe('{ id: string(1..128), kind?: "a" | "b" = "a", note?: string, count: int ≥ 0, ratio: number 0..1 }');
    expect(output(schema)).toBe('{ id: string(1..128), kind: "a" | "b", note?: string, count: int ≥ 0, ratio: number 0..1 }');
  });

  it('names known schemas below the top level, and spreads their fields', () => {
    expect(output(Point)).toBe('{ x: number, y: number }');
    expect(output(z.object({ at: Point, path: z.array(Point).max(5) }))).toBe('{ at: Point, path: Point[0..5] }');
    expect(output(Base.extend(Point.shape).extend({ label: z.string() }))).toBe('{ ...Base, ...Point, label: string }');
  });

  it('groups unions before [] and renders nullables, records, tuples and literals', () => {
    expect(output(z.array(z.union([z.string(), z.number()])))).toBe('(string | number)[]');
    expect(output(z.array(z.object({ a: z.string().nullable() })))).toBe('{ a: string | null }[]');
    expect(output(z.record(z.string(), z.unknown()))).toBe('Record<string, unknown>');
    expect(output(z.tuple([z.literal('x'), z.boolean()]))).toBe('["x", boolean]');
    expect(output(z.object({}))).toBe('{}');
    expect(output(z.object({ 'a-b': z.null() }))).toBe('{ "a-b": null }');
  });

  it('shows a transform’s input to senders and stays finite on recursive schemas', () => {
    const loose = z.union([z.string(), z.object({ id: z.string() })]).transform((v) => (typeof v === 'string' ? { id: v } : v));
    expect(input(loose)).toBe('string | { id: string }');
    expect(output(loose)).toBe('string | { id: string }');
    type Tree = { children: Tree[] };
    const Tree: z.ZodType<Tree> = z.lazy(() => z.object({ children: z.array(Tree) }));
    expect(output(Tree)).toContain('…');
  });

  it('marks a payload that may be left out entirely', () => {
    expect(input(z.object({}).optional())).toBe('{} (optional)');
  });
});
