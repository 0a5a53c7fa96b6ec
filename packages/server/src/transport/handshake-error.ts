import type { ErrorCode } from '@switchboard/protocol';

/**
 * A `connect_error` whose `message` is the code and whose `data` is `{ code, message }` (brief, contract);
 * `RATE_LIMITED` adds `retryAfterMs`, at the top of `data` and in `details` as HTTP's 429 has it.
 */
export function handshakeError(
  code: ErrorCode,
  message: string,
  retryAfterMs?: number,
): Error & { data: { code: ErrorCode; message: string; retryAfterMs?: number; details?: { retryAfterMs: number } } } {
  const err = new Error(code) as ReturnType<typeof handshakeError>;
  err.data = retryAfterMs === undefined ? { code, message } : { code, message, retryAfterMs, details: { retryAfterMs } };
  return err;
}
