import { AppError } from '../errors';
import type { Db } from '../storage/db';
import { StorageError, type StorageErrorKind } from '../storage/storage-error';

export type FailureVerdict =
  | { kind: 'dead-letter'; reason: string; /** A bug rather than a bad message: worth an error log line. */ unexpected: boolean }
  | { kind: 'retry'; reason: string };

// Failures that say nothing about the message itself: trying it again later can succeed.
const PASSING: ReadonlySet<StorageErrorKind> = new Set(['unavailable', 'serialization_failure', 'deadlock']);

/**
 * Whether a delivery that failed should be tried again or set aside. A refusal (unknown tenant,
 * conversation or message, access denied) will fail the same way every time, so it is
 * dead-lettered. An unexpected error is retried only while the database does not answer; with the
 * database up it would fail forever, and retrying it would turn one bad message into a hot loop.
 */
export async function classifyFailure(err: unknown, db: Pick<Db, 'ping'>): Promise<FailureVerdict> {
  if (err instanceof AppError) return { kind: 'dead-letter', reason: `${err.code}: ${err.message}`, unexpected: false };
  if (err instanceof StorageError && PASSING.has(err.kind)) return { kind: 'retry', reason: `storage: ${err.kind}` };
  const databaseUp = await db.ping().then(
    () => true,
    () => false,
  );
  if (!databaseUp) return { kind: 'retry', reason: 'database unavailable' };
  if (err instanceof StorageError) return { kind: 'dead-letter', reason: `storage: ${err.kind}`, unexpected: true };
  return { kind: 'dead-letter', reason: 'INTERNAL: unexpected error (see the server log)', unexpected: true };
}
