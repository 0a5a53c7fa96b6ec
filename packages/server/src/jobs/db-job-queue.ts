import { randomUUID } from 'node:crypto';

import type { Db } from '../storage/db';
import { AiJobsRepo, type StoredJob } from '../storage/repos/ai-jobs';
import { backoffDelay, type JobContext, type JobHandler, type JobQueue, type JobQueueOptions } from './job-queue';
import { describeError, runAttempt } from './run-attempt';

const SHUTDOWN = 'node stopping';
const DAY_MS = 24 * 3_600_000;

export interface DbJobQueueOptions extends JobQueueOptions {
  /** Longest sleep between looks at the table, for jobs no local enqueue announced. */
  pollMs: number;
  /** Added to the attempt timeout to make the lease; past it, another node may take the job. */
  leaseGraceMs?: number;
  /** Finished jobs are kept this long, so their ids keep deduplicating. */
  keepFinishedMs?: number;
}

/**
 * The embedded job queue: jobs are rows of `ai_jobs`, so a job survives the
 * process, and nodes sharing one PostgreSQL share the queue. A local enqueue
 * wakes the loop at once; otherwise it sleeps until the next retry is due or
 * `pollMs`, whichever is sooner.
 */
export class DbJobQueue implements JobQueue {
  readonly backend = 'database' as const;
  private readonly worker = `node-${randomUUID()}`;
  // One registry for every job kind: each handler's payload type is checked where it is registered.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  private readonly handlers = new Map<string, JobHandler<any>>();
  private readonly running = new Map<string, Promise<void>>();
  private readonly stop = new AbortController();
  private timer: NodeJS.Timeout | undefined;
  private looping: Promise<void> | null = null;
  private again = false;
  private started = false;
  private lastPrune = 0;

  constructor(
    private readonly db: Db,
    private readonly opts: DbJobQueueOptions,
  ) {}

  handle<T>(kind: string, handler: JobHandler<T>): void {
    this.handlers.set(kind, handler);
  }

  async enqueue(kind: string, id: string, data: unknown): Promise<void> {
    await new AiJobsRepo(this.db).enqueue({ id, kind, data, maxAttempts: this.opts.attempts });
    this.wake();
  }

  async start(): Promise<void> {
    this.started = true;
    this.wake();
  }

  async close(): Promise<void> {
    if (this.stop.signal.aborted) return;
    this.started = false;
    clearTimeout(this.timer);
    const grace = new Promise((resolve) => setTimeout(resolve, this.opts.closeGraceMs ?? 5_000).unref());
    await Promise.race([Promise.allSettled([...this.running.values()]), grace]);
    this.stop.abort(SHUTDOWN);
    await Promise.allSettled([this.looping, ...this.running.values()]);
  }

  /** Runs the claim loop now, or once more right after the current pass. */
  private wake(): void {
    if (!this.started) return;
    if (this.looping) {
      this.again = true;
      return;
    }
    clearTimeout(this.timer);
    this.looping = this.pass()
      .catch((err) => this.opts.onError?.(err, 'job queue poll'))
      .finally(() => {
        this.looping = null;
        if (this.again) {
          this.again = false;
          this.wake();
        }
      });
  }

  private async pass(): Promise<void> {
    const repo = new AiJobsRepo(this.db);
    const kinds = [...this.handlers.keys()];
    const free = this.opts.concurrency - this.running.size;
    if (free > 0 && kinds.length > 0) {
      const lease = this.opts.timeoutMs + (this.opts.leaseGraceMs ?? 5_000);
      for (const job of await repo.claim(this.worker, free, lease, kinds)) {
        const run = this.execute(job)
          .catch((err) => this.opts.onError?.(err, `job ${job.kind}`))
          .finally(() => {
            this.running.delete(job.id);
            this.wake();
          });
        this.running.set(job.id, run);
      }
    }
    if (Date.now() - this.lastPrune > 3_600_000) {
      this.lastPrune = Date.now();
      await repo.prune(this.opts.keepFinishedMs ?? 7 * DAY_MS);
    }
    if (!this.started) return;
    const next = kinds.length ? await repo.msUntilNextDue(kinds) : null;
    const wait = Math.min(this.opts.pollMs, next ?? Infinity);
    this.timer = setTimeout(() => this.wake(), Math.max(wait, 5));
  }

  private async execute(job: StoredJob): Promise<void> {
    const repo = new AiJobsRepo(this.db);
    const handler = this.handlers.get(job.kind);
    if (!handler) return;
    const ctx = { id: job.id, kind: job.kind, data: job.data, attempt: job.attempts, maxAttempts: job.maxAttempts };
    // A job whose node died on its last attempt comes back once more, only to be given up.
    if (job.attempts > job.maxAttempts) {
      await this.giveUp(repo, handler, ctx, new Error(job.lastError ?? 'abandoned by a stopped node'), 0);
      return;
    }
    const startedAt = performance.now();
    try {
      await runAttempt(handler, ctx, this.opts.timeoutMs, this.stop.signal);
      await repo.complete(job.id, this.worker);
      this.observe(job.kind, 'completed', startedAt);
    } catch (err) {
      if (this.stop.signal.aborted) {
        await repo.release(job.id, this.worker).catch(() => undefined);
        return;
      }
      if (job.attempts < job.maxAttempts) {
        await repo.retry(job.id, this.worker, backoffDelay(this.opts.backoffMs, job.attempts), describeError(err));
        this.observe(job.kind, 'retried', startedAt);
      } else {
        await this.giveUp(repo, handler, ctx, err, startedAt);
      }
    }
  }

  /**
   * The failure handler runs before the row is marked failed: if the node stops in between, the
   * job comes back after its lease and the (idempotent) handler runs again rather than never.
   */

  private async giveUp(
    repo: AiJobsRepo,
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a handler out of the registry above
    handler: JobHandler<any>,
    ctx: Omit<JobContext, 'signal'>,
    err: unknown,
    startedAt: number,
  ): Promise<void> {
    try {
      await handler.failed?.({ ...ctx, signal: this.stop.signal }, err);
    } catch (failure) {
      this.opts.onError?.(failure, `job ${ctx.kind} failed handler`);
    }
    if (await repo.fail(ctx.id, this.worker, describeError(err))) this.observe(ctx.kind, 'failed', startedAt || performance.now());
  }

  private observe(kind: string, outcome: 'completed' | 'retried' | 'failed', startedAt: number): void {
    this.opts.observe?.({ kind, outcome, seconds: (performance.now() - startedAt) / 1_000 });
  }
}
