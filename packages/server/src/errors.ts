import type { ErrorCode, ErrorPayload } from '@switchboard/protocol';

/**
 * An error a client may see: one of the closed set of codes and a message
 * written for a person. Anything that is not an AppError becomes INTERNAL.
 */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'AppError';
  }

  toPayload(): ErrorPayload {
    return this.details ? { code: this.code, message: this.message, details: this.details } : { code: this.code, message: this.message };
  }
}

export const forbidden = (message = 'You may not do that') => new AppError('FORBIDDEN', message);
export const notFound = (what: string) => new AppError('NOT_FOUND', `${what} not found`);
export const invalid = (message: string, details?: Record<string, unknown>) => new AppError('VALIDATION_FAILED', message, details);

export interface ErrorLogger {
  error(obj: object, msg: string): void;
}

/**
 * The payload a client receives for any thrown value. Unexpected errors are
 * logged with their stack and answered with a bare INTERNAL, so no stack trace
 * or SQL text reaches a client.
 */
export function toErrorPayload(err: unknown, log: ErrorLogger, context: string): ErrorPayload {
  if (err instanceof AppError) return err.toPayload();
  log.error({ err, context }, 'unexpected error');
  return { code: 'INTERNAL', message: 'Something went wrong on our side' };
}
