import type { ErrorCode, ErrorPayload } from '@switchboard/protocol';

/**
 * A failure from the server, by socket ack or HTTP, with the protocol's closed
 * set of codes; `status` is the HTTP status (0 for a socket or network failure).
 */
export class SwitchboardError extends Error {
  readonly code: ErrorCode | 'NETWORK' | 'TIMEOUT';
  readonly status: number;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: SwitchboardError['code'], message: string, status = 0, details?: Record<string, unknown>) {
    super(message);
    this.name = 'SwitchboardError';
    this.code = code;
    this.status = status;
    this.details = details;
  }

  static from(payload: ErrorPayload, status = 0): SwitchboardError {
    return new SwitchboardError(payload.code, payload.message, status, payload.details);
  }

  /** Worth trying again later: the network, a timeout, a rate limit or the server's own trouble. */
  get retryable(): boolean {
    return this.code === 'NETWORK' || this.code === 'TIMEOUT' || this.code === 'RATE_LIMITED' || this.code === 'INTERNAL';
  }
}
