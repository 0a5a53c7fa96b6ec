/**
 * What went wrong in the database, as far as the rest of the server needs to know.
 * `unavailable` covers lost connections and a server that is starting or shutting down.
 */
export type StorageErrorKind =
  | 'unique_violation'
  | 'foreign_key_violation'
  | 'check_violation'
  | 'not_null_violation'
  | 'serialization_failure'
  | 'deadlock'
  | 'unavailable'
  | 'misuse'
  | 'query_failed';

const KIND_BY_SQLSTATE: Readonly<Record<string, StorageErrorKind>> = {
  '23505': 'unique_violation',
  '23503': 'foreign_key_violation',
  '23514': 'check_violation',
  '23502': 'not_null_violation',
  '40001': 'serialization_failure',
  '40P01': 'deadlock',
  '57P01': 'unavailable',
  '57P02': 'unavailable',
  '57P03': 'unavailable',
};

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH']);

/**
 * A database failure that is safe to log at info level: its message and enumerable fields carry
 * the SQLSTATE and the constraint name, never the SQL text, its parameters or the server's detail
 * line (which quotes row values). The driver's own error is kept, non-enumerable, for debugging.
 */
export class StorageError extends Error {
  override readonly name = 'StorageError';
  readonly kind: StorageErrorKind;
  /** SQLSTATE (e.g. `23505`) or a network error code (e.g. `ECONNREFUSED`), when there is one. */
  readonly code: string | undefined;
  readonly constraint: string | undefined;
  declare readonly driverError: unknown;

  constructor(kind: StorageErrorKind, opts: { code?: string; constraint?: string; driverError?: unknown; message?: string } = {}) {
    const where = [opts.code && `code ${opts.code}`, opts.constraint && `constraint ${opts.constraint}`].filter(Boolean).join(', ');
    super(opts.message ?? `storage: ${kind}${where ? ` (${where})` : ''}`);
    this.kind = kind;
    this.code = opts.code;
    this.constraint = opts.constraint;
    // Not enumerable and not `cause`: loggers serialise both, and the driver error holds the SQL.
    Object.defineProperty(this, 'driverError', { value: opts.driverError, enumerable: false });
  }
}

function stringField(err: object, key: string): string | undefined {
  const value = (err as Record<string, unknown>)[key];
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

/** True for errors raised by pg or PGlite (server errors and network failures), as opposed to caller errors. */
export function isDriverError(err: unknown): boolean {
  if (err instanceof StorageError || typeof err !== 'object' || err === null) return false;
  const code = stringField(err, 'code');
  if (code === undefined) return false;
  return (/^[0-9A-Z]{5}$/.test(code) && stringField(err, 'severity') !== undefined) || NETWORK_CODES.has(code);
}

/** Converts a driver error into a StorageError; anything else (already wrapped, or a caller's own error) passes through. */
export function toStorageError(err: unknown): unknown {
  if (!isDriverError(err)) return err;
  const e = err as object;
  const code = stringField(e, 'code') as string;
  const constraint = stringField(e, 'constraint');
  let kind: StorageErrorKind = KIND_BY_SQLSTATE[code] ?? 'query_failed';
  if (NETWORK_CODES.has(code) || code.startsWith('08')) kind = 'unavailable';
  return new StorageError(kind, { code, constraint, driverError: err });
}

const CONNECTION_TROUBLE = /connect|terminat|timeout|ended|closed|closing/i;

/**
 * For errors thrown by a driver call itself: always a StorageError. Client-side failures of pg and
 * PGlite (pool ended, connection lost, parameter serialisation) are plain Errors whose text may
 * still quote a query, so they are wrapped too.
 */
export function wrapDriverFailure(err: unknown): StorageError {
  const wrapped = toStorageError(err);
  if (wrapped instanceof StorageError) return wrapped;
  const message = err instanceof Error ? err.message : String(err);
  return new StorageError(CONNECTION_TROUBLE.test(message) ? 'unavailable' : 'query_failed', { driverError: err });
}

/** For idempotent inserts done outside a transaction: a unique violation (SQLSTATE 23505) from either engine. */
export function isUniqueViolation(err: unknown): err is StorageError & { kind: 'unique_violation'; code: '23505' } {
  return err instanceof StorageError && err.code === '23505';
}
