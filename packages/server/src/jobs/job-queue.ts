/**
 * Work that runs off the socket path (AI triage and replies), with retries, a
 * timeout per attempt, and durability: a job handed to `enqueue` runs even if
 * this node stops before it does. Two implementations: {@link DbJobQueue} in the
 * database (embedded mode) and {@link BullJobQueue} on Redis when `REDIS_URL` is
 * set. One contract test runs against both.
 *
 * @example
 * queue.handle('triage', { run: async (job) => triage(job.data, job.signal), failed: async (job, err) => giveUp(job.data, err) });
 * await queue.start();
 * await queue.enqueue('triage', `triage-${messageId}`, { messageId });
 */
export interface JobQueue {
  readonly backend: 'database' | 'bullmq';
  /** Registers the handler of one kind of job; call before start(). */
  handle<T>(kind: string, handler: JobHandler<T>): void;
  /**
   * Stores the job durably, then returns. `id` is an idempotency key: a job whose id is
   * already queued, running or recently finished is not added again.
   */
  enqueue(kind: string, id: string, data: unknown): Promise<void>;
  start(): Promise<void>;
  /** Stops taking jobs; waits a moment for running ones, then leaves the rest for another node or the next start. */
  close(): Promise<void>;
}

export interface JobContext<T = unknown> {
  id: string;
  kind: string;
  data: T;
  /** 1 for the first attempt. */
  attempt: number;
  maxAttempts: number;
  /** Aborted when the attempt times out or the node stops. */
  signal: AbortSignal;
}

export interface JobHandler<T = unknown> {
  run(job: JobContext<T>): Promise<void>;
  /** Runs once, after the last attempt failed: where a job gives up gracefully. */
  failed?(job: JobContext<T>, err: unknown): Promise<void>;
}

export type JobOutcome = 'completed' | 'retried' | 'failed';

export interface JobQueueOptions {
  attempts: number;
  /** Delay before the second attempt; doubles for each one after. */
  backoffMs: number;
  timeoutMs: number;
  concurrency: number;
  /** How long close() waits for running jobs before abandoning them. */
  closeGraceMs?: number;
  /** Every finished attempt: for metrics. */
  observe?: (e: { kind: string; outcome: JobOutcome; seconds: number }) => void;
  onError?: (err: unknown, context: string) => void;
}

/** The wait before attempt `attempt + 1`, after `attempt` failed. */
export function backoffDelay(backoffMs: number, attempt: number): number {
  return backoffMs * 2 ** Math.max(0, attempt - 1);
}
