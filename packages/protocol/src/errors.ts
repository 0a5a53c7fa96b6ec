import { z } from 'zod';

/** The closed set of error codes a client can ever see. Anything else becomes INTERNAL. */
export const ERROR_CODES = [
  'FORBIDDEN',
  'NOT_FOUND',
  'ROOM_NOT_FOUND',
  'VALIDATION_FAILED',
  'RATE_LIMITED',
  'PAYLOAD_TOO_LARGE',
  'AUTH_TOKEN_EXPIRED',
  'AUTH_TOKEN_INVALID',
  'MISSING_TOKEN',
  'INTERNAL',
] as const;
export const ErrorCode = z.enum(ERROR_CODES);
export type ErrorCode = z.infer<typeof ErrorCode>;

/**
 * `details.reason` values a client acts on, finer than the closed code set (which the contract fixes).
 * `VISITOR_MERGED` (code `AUTH_TOKEN_INVALID`, then the server disconnects the socket): the widget visitor
 * this token names was identified as a known customer and their conversations moved there; ask for a new
 * session and find the conversation again with its token.
 */
export const ERROR_REASONS = { visitorMerged: 'VISITOR_MERGED' } as const;

/** `error` event payload and the `error` member of a failed ack: one shape for every surface. */
export const ErrorPayload = z.object({
  code: ErrorCode,
  message: z.string(),
  details: z.record(z.string(), z.unknown()).optional(),
});
export type ErrorPayload = z.infer<typeof ErrorPayload>;

/** Every client event sent with a callback is answered with one of these. */
export type Ack<T = unknown> = { ok: true; data?: T } | { ok: false; error: ErrorPayload };
export type AckCallback<T = unknown> = (response: Ack<T>) => void;

/** HTTP status for each code, used by the HTTP API so both surfaces agree. */
export const HTTP_STATUS: Record<ErrorCode, number> = {
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  ROOM_NOT_FOUND: 404,
  VALIDATION_FAILED: 400,
  RATE_LIMITED: 429,
  PAYLOAD_TOO_LARGE: 413,
  AUTH_TOKEN_EXPIRED: 401,
  AUTH_TOKEN_INVALID: 401,
  MISSING_TOKEN: 401,
  INTERNAL: 500,
};
