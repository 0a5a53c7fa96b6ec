import type { z } from 'zod';

import { AppError } from '../../errors';

/** Parses a body, query or params with zod; failures are VALIDATION_FAILED with the issues. */
export function parse<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issues = result.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
  const tooBig = result.error.issues.find((i) => i.code === 'too_big' && i.origin === 'string');
  if (tooBig) throw new AppError('PAYLOAD_TOO_LARGE', `${tooBig.path.join('.')} is too long`, { issues });
  throw new AppError('VALIDATION_FAILED', 'The request is not valid', { issues });
}
