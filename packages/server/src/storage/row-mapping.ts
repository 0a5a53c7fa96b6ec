/** Both engines return timestamptz as Date; the wire models want ISO strings. */
export function iso(value: Date | string): string {
  return (value instanceof Date ? value : new Date(value)).toISOString();
}

export function isoOrNull(value: Date | string | null | undefined): string | null {
  return value === null || value === undefined ? null : iso(value);
}

/** Accepts what callers naturally hold (Date, ISO string, epoch ms) for timestamptz parameters. */
export type TimeInput = Date | string | number;

export function timeParam(value: TimeInput): string {
  return (value instanceof Date ? value : new Date(value)).toISOString();
}

export function timeParamOrNull(value: TimeInput | null | undefined): string | null {
  return value === null || value === undefined ? null : timeParam(value);
}

/** jsonb parameters are sent as text so both drivers treat them alike (pg would turn arrays into PostgreSQL arrays). */
export function jsonParam(value: unknown): string | null {
  return value === undefined || value === null ? null : JSON.stringify(value);
}

/** Page sizes from callers are clamped so no query asks for an unbounded result. */
export function clampLimit(limit: number | undefined, fallback = 50, max = 500): number {
  if (limit === undefined || !Number.isFinite(limit)) return fallback;
  return Math.min(Math.max(Math.trunc(limit), 1), max);
}
