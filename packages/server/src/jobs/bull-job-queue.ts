import { type Job, Queue, Worker } from 'bullmq';
import { createClient } from 'redis';

import { closeRedis, type RedisClient } from '../cluster/redis-connection';
import type { JobHandler, JobQueue, JobQueueOptions } from './job-queue';
import { runAttempt } from './run-attempt';

export interface BullJobQueueOptions extends JobQueueOptions {
  redisUrl: string;
  /** Queue name; tests use their own so they never share jobs. */
  name?: string;
  prefix?: string;
  /** How long a job stays locked without renewal; a stopped node's jobs come back after it. */
  lockDurationMs?: number;
  /** How often workers look for jobs whose lock lapsed. */
  stalledIntervalMs?: number;
}

/**
 * The job queue on Redis (BullMQ), used when `REDIS_URL` is set: durable, shared
 * by every node, retries with exponential backoff. BullMQ has no per-job timeout,
 * so each attempt runs under {@link runAttempt}'s deadline.
 */
export class BullJobQueue implements JobQueue {
  readonly backend = 'bullmq' as const;
  // One registry for every job kind: each handler's payload type is checked where it is registered.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  private readonly handlers = new Map<string, JobHandler<any>>();
  private readonly clients: RedisClient[] = [];
  private readonly stop = new AbortController();
  private readonly queue: Queue;
  private worker: Worker | null = null;
  private troubled = false;

  constructor(private readonly opts: BullJobQueueOptions) {
    this.queue = new Queue(this.name, { connection: this.client(), prefix: this.prefix });
    // An EventEmitter 'error' without a listener ends the process; a Redis outage is not worth that.
    this.queue.on('error', (err) => this.redisTrouble(err, 'bullmq queue'));
  }

  private get name(): string {
    return this.opts.name ?? 'ai';
  }

  private get prefix(): string {
    return this.opts.prefix ?? 'switchboard';
  }

  handle<T>(kind: string, handler: JobHandler<T>): void {
    this.handlers.set(kind, handler);
  }

  async enqueue(kind: string, id: string, data: unknown): Promise<void> {
    await this.queue.add(kind, data, {
      jobId: id,
      attempts: this.opts.attempts,
      backoff: { type: 'exponential', delay: this.opts.backoffMs },
      // Kept a while so a repeated enqueue of the same id is still recognised and skipped.
      removeOnComplete: { age: 24 * 3_600, count: 10_000 },
      removeOnFail: { age: 7 * 24 * 3_600 },
    });
  }

  async start(): Promise<void> {
    if (this.worker) return;
    this.worker = new Worker(this.name, (job) => this.process(job), {
      connection: this.client(),
      prefix: this.prefix,
      concurrency: this.opts.concurrency,
      autorun: false,
      lockDuration: this.opts.lockDurationMs ?? 30_000,
      stalledInterval: this.opts.stalledIntervalMs ?? 30_000,
    });
    this.worker.on('error', (err) => this.redisTrouble(err, 'bullmq worker'));
    void this.worker.run().catch((err) => this.opts.onError?.(err, 'bullmq worker'));
    await this.worker.waitUntilReady();
  }

  async close(): Promise<void> {
    if (this.stop.signal.aborted) return;
    const worker = this.worker;
    if (worker) {
      const grace = new Promise<'late'>((resolve) => setTimeout(() => resolve('late'), this.opts.closeGraceMs ?? 5_000).unref());
      // Past the grace, running jobs are abandoned: their locks lapse and another worker takes them.
      if ((await Promise.race([worker.close().catch(() => undefined), grace])) === 'late') {
        this.stop.abort('node stopping');
        await Promise.race([worker.close(true).catch(() => undefined), pause(1_000)]);
      }
    }
    this.stop.abort('node stopping');
    // With Redis down, BullMQ's close waits for a reconnect that may never come.
    await Promise.race([this.queue.close().catch(() => undefined), pause(this.opts.closeGraceMs ?? 5_000)]);
    await Promise.allSettled(this.clients.map((c) => closeRedis(c)));
  }

  private async process(job: Job): Promise<void> {
    const handler = this.handlers.get(job.name);
    if (!handler) throw new Error(`no handler for job kind ${job.name}`);
    const maxAttempts = job.opts.attempts ?? 1;
    const ctx = { id: job.id ?? '', kind: job.name, data: job.data as unknown, attempt: job.attemptsMade + 1, maxAttempts };
    const startedAt = performance.now();
    const seconds = () => (performance.now() - startedAt) / 1_000;
    try {
      await runAttempt(handler, ctx, this.opts.timeoutMs, this.stop.signal);
      this.opts.observe?.({ kind: job.name, outcome: 'completed', seconds: seconds() });
    } catch (err) {
      if (ctx.attempt < maxAttempts || this.stop.signal.aborted) {
        this.opts.observe?.({ kind: job.name, outcome: 'retried', seconds: seconds() });
      } else {
        this.opts.observe?.({ kind: job.name, outcome: 'failed', seconds: seconds() });
        try {
          await handler.failed?.({ ...ctx, signal: this.stop.signal }, err);
        } catch (failure) {
          this.opts.onError?.(failure, `job ${job.name} failed handler`);
        }
      }
      throw err;
    }
  }

  /** One node-redis connection per BullMQ user; BullMQ adapts it and duplicates what it blocks on. */
  private client(): RedisClient {
    const client: RedisClient = createClient({
      url: this.opts.redisUrl,
      socket: { reconnectStrategy: (attempt: number) => Math.min(100 * 2 ** Math.min(attempt, 5), 2_000), connectTimeout: 2_000 },
    });
    client.on('error', (err) => this.redisTrouble(err, 'bullmq redis'));
    client.on('ready', () => {
      this.troubled = false;
    });
    this.clients.push(client);
    return client;
  }

  /** During an outage every connection fails on every reconnect attempt: one report per outage is enough. */
  private redisTrouble(err: unknown, context: string): void {
    if (this.troubled) return;
    this.troubled = true;
    this.opts.onError?.(err, context);
  }
}

const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());
