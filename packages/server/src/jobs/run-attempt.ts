import type { JobContext, JobHandler } from './job-queue';

export class JobTimeoutError extends Error {
  override readonly name = 'JobTimeoutError';
  constructor(ms: number) {
    super(`job attempt timed out after ${ms} ms`);
  }
}

/**
 * Runs one attempt under a deadline. The handler's signal is aborted at the deadline and the
 * attempt fails then, even if the handler ignores the signal, so a stuck provider cannot hold a
 * worker slot for ever. `stop` aborts it early (the node is stopping).
 */
export async function runAttempt<T>(
  handler: JobHandler<T>,
  job: Omit<JobContext<T>, 'signal'>,
  timeoutMs: number,
  stop: AbortSignal,
): Promise<void> {
  const controller = new AbortController();
  const onStop = () => controller.abort(stop.reason);
  if (stop.aborted) onStop();
  else stop.addEventListener('abort', onStop, { once: true });
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const err = new JobTimeoutError(timeoutMs);
      controller.abort(err);
      reject(err);
    }, timeoutMs);
    controller.signal.addEventListener('abort', () => reject(controller.signal.reason), { once: true });
  });
  deadline.catch(() => undefined);
  try {
    await Promise.race([handler.run({ ...job, signal: controller.signal }), deadline]);
  } finally {
    clearTimeout(timer);
    stop.removeEventListener('abort', onStop);
  }
}

export function describeError(err: unknown): string {
  const text = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  return text.slice(0, 1_000);
}
