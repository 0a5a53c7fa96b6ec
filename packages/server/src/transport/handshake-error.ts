import type { ErrorCode } from '@switchboard/protocol';

/** A `connect_error` whose `message` is the code and whose `data` is `{ code, message }` (brief, contract). */
export function handshakeError(code: ErrorCode, message: string): Error & { data: { code: ErrorCode; message: string } } {
  const err = new Error(code) as Error & { data: { code: ErrorCode; message: string } };
  err.data = { code, message };
  return err;
}
