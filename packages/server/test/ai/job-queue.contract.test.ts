import { randomBytes } from 'node:crypto';

import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { BullJobQueue } from '../../src/jobs/bull-job-queue';
import { DbJobQueue } from '../../src/jobs/db-job-queue';
import type { JobContext, JobOutcome, JobQueue, JobQueueOptions } from '../../src/jobs/job-queue';
import { JobTimeoutError } from '../../src/jobs/run-attempt';
import type { Db } from '../../src/storage/db';
import { AiJobsRepo } from '../../src/storage/repos/ai-jobs';
import { createTestDatabase, postgresAvailable, type TestDatabase } from '../support/databases';
import { sleep, until } from '../support/events';
import { dropRedisPrefix, openTestRedis, redisAvailable, TEST_REDIS_URL, uniqueRedisPrefix } from '../support/redis';

const BASE: JobQueueOptions = { attempts: 3, backoffMs: 30, timeoutMs: 2_000, concurrency: 2, closeGraceMs: 200 };

interface Impl {
  name: string;
  skip: boolean;
  setup(): Promise<void>;
  teardown(): Promise<void>;
  /** A queue of the test's own; `shared` names a queue another make() call uses too (a second node). */
  make(shared: string, opts?: Partial<JobQueueOptions>): JobQueue;
}

/**
 * The file's embedded database, opened once for the contract's PGlite variant and the dead-node tests below
 * (each uses job kinds and ids of its own); closed when the file ends.
 */
let pglite: Promise<TestDatabase> | undefined;
const sharedPglite = () => (pglite ??= createTestDatabase('pglite'));
afterAll(async () => {
  await (await pglite)?.dispose();
});

function dbImpl(kind: 'pglite' | 'postgres'): Impl {
  let database: TestDatabase | undefined;
  return {
    name: `database/${kind}`,
    skip: kind === 'postgres' && !postgresAvailable,
    setup: async () => {
      database = kind === 'pglite' ? await sharedPglite() : await createTestDatabase(kind);
    },
    teardown: async () => {
      if (kind !== 'pglite') await database?.dispose();
    },
    make: (_shared, opts) => new DbJobQueue(database!.db, { ...BASE, pollMs: 50, ...opts }),
  };
}

function bullImpl(): Impl {
  const prefix = uniqueRedisPrefix('jobs');
  return {
    name: 'bullmq',
    skip: !redisAvailable,
    setup: async () => undefined,
    teardown: async () => dropRedisPrefix(await openTestRedis(), prefix),
    make: (shared, opts) =>
      new BullJobQueue({ ...BASE, redisUrl: TEST_REDIS_URL, name: shared, prefix, lockDurationMs: 1_000, stalledIntervalMs: 300, ...opts }),
  };
}

const IMPLS: Impl[] = [dbImpl('pglite'), dbImpl('postgres'), bullImpl()];

for (const impl of IMPLS) {
  describe.skipIf(impl.skip)(`job queue contract [${impl.name}]`, () => {
    const open: JobQueue[] = [];
    let kind = '';
    let name = '';
    const make = (opts?: Partial<JobQueueOptions>) => {
      const q = impl.make(name, opts);
      open.push(q);
      return q;
    };
    beforeAll(() => impl.setup(), 60_000);
    afterAll(() => impl.teardown(), 60_000);
    // Every test gets its own job kind and queue name, so no test sees another's jobs.
    beforeEach(() => {
      const tag = randomBytes(4).toString('hex');
      kind = `test.${tag}`;
      name = `q-${tag}`;
    });
    afterEach(async () => {
      await Promise.all(open.splice(0).map((q) => q.close()));
    });

    it('runs an enqueued job once, even when the same id is enqueued twice', async () => {
      const runs: JobContext[] = [];
      const q = make();
      q.handle(kind, { run: async (job) => void runs.push(job) });
      await q.start();
      await q.enqueue(kind, 'job-1', { n: 1 });
      await q.enqueue(kind, 'job-1', { n: 2 });
      // A later job as the barrier: jobs are taken in order, so a second job-1 would have run by the time job-2 has.
      await q.enqueue(kind, 'job-2', { n: 3 });
      await until(() => runs.some((r) => r.id === 'job-2'), 5_000, 'the jobs to run');
      expect(runs.map((r) => [r.id, r.kind, r.data, r.attempt, r.maxAttempts])).toEqual([
        ['job-1', kind, { n: 1 }, 1, 3],
        ['job-2', kind, { n: 3 }, 1, 3],
      ]);
    });

    it('retries a failing job after a growing backoff, then succeeds', async () => {
      const attempts: Array<{ attempt: number; at: number }> = [];
      const q = make();
      q.handle(kind, {
        run: async (job) => {
          attempts.push({ attempt: job.attempt, at: Date.now() });
          if (job.attempt < 3) throw new Error(`attempt ${job.attempt} fails`);
        },
      });
      await q.start();
      await q.enqueue(kind, 'job-r', {});
      await until(() => attempts.length === 3, 8_000, 'three attempts');
      // About time: no fourth attempt follows a success within several backoffs' worth.
      await sleep(200);
      expect(attempts.map((a) => a.attempt)).toEqual([1, 2, 3]);
      expect(attempts[1]!.at - attempts[0]!.at).toBeGreaterThanOrEqual(25);
      expect(attempts[2]!.at - attempts[1]!.at).toBeGreaterThanOrEqual(50);
    });

    it('gives up after the last attempt, runs the failure handler once with the error, and reports each outcome', async () => {
      const outcomes: JobOutcome[] = [];
      const failures: Array<{ attempt: number; message: string }> = [];
      const q = make({ observe: (e) => e.kind === kind && outcomes.push(e.outcome) });
      q.handle(kind, {
        run: async () => {
          throw new Error('boom');
        },
        failed: async (job, err) => void failures.push({ attempt: job.attempt, message: (err as Error).message }),
      });
      await q.start();
      await q.enqueue(kind, 'job-f', {});
      await until(() => failures.length > 0, 8_000, 'the failure handler');
      // About time: nothing runs or fails again after the last attempt, for several backoffs' worth.
      await sleep(300);
      expect(failures).toEqual([{ attempt: 3, message: 'boom' }]);
      expect(outcomes).toEqual(['retried', 'retried', 'failed']);
    });

    it('times out a stuck attempt and aborts its signal', async () => {
      let aborted: unknown = null;
      const failures: unknown[] = [];
      const q = make({ attempts: 1, timeoutMs: 200 });
      q.handle(kind, {
        run: (job) =>
          new Promise<void>(() => {
            job.signal.addEventListener('abort', () => (aborted = job.signal.reason));
          }),
        failed: async (_job, err) => void failures.push(err),
      });
      await q.start();
      await q.enqueue(kind, 'job-t', {});
      await until(() => failures.length > 0, 5_000, 'the timeout');
      expect(failures[0]).toBeInstanceOf(JobTimeoutError);
      expect(aborted).toBeInstanceOf(JobTimeoutError);
    });

    it('keeps a job enqueued while no worker runs, for the next node to start', async () => {
      const first = make();
      await first.enqueue(kind, 'job-k', { kept: true });
      await first.close();
      const runs: unknown[] = [];
      const second = make();
      second.handle(kind, { run: async (job) => void runs.push(job.data) });
      await second.start();
      await until(() => runs.length > 0, 5_000, 'the kept job');
      expect(runs).toEqual([{ kept: true }]);
    });

    it('hands a job its node could not finish before stopping to another node', async () => {
      const ran: string[] = [];
      const stopping = make();
      stopping.handle(kind, {
        run: (job) =>
          new Promise<void>((_, reject) => {
            ran.push('first');
            job.signal.addEventListener('abort', () => reject(job.signal.reason));
          }),
      });
      await stopping.start();
      await stopping.enqueue(kind, 'job-h', {});
      await until(() => ran.length > 0, 5_000, 'the first node to start the job');
      await stopping.close();

      const other = make();
      other.handle(kind, { run: async () => void ran.push('second') });
      await other.start();
      await until(() => ran.includes('second'), 8_000, 'the second node to run the job');
      expect(ran).toEqual(['first', 'second']);
    });
  });
}

describe('job queue [database]: a node that died without a word', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await sharedPglite();
  }, 60_000);

  it('reads an empty queue as nothing due, so an idle worker sleeps for pollMs instead of spinning', async () => {
    const repo = new AiJobsRepo(database.db);
    expect(await repo.msUntilNextDue(['test.idle'])).toBeNull();
    await repo.enqueue({ id: 'due', kind: 'test.due', data: {}, maxAttempts: 1 });
    expect(await repo.msUntilNextDue(['test.due'])).toBe(0);

    let looks = 0;
    const counting: Db = {
      ...database.db,
      query: (text, params) => {
        looks++;
        return database.db.query(text, params);
      },
    };
    const q = new DbJobQueue(counting, { ...BASE, pollMs: 100 });
    q.handle('test.idle', { run: async () => undefined });
    await q.start();
    // About time: how many polls an idle queue makes in half a second.
    await sleep(500);
    await q.close();
    // About five passes of two queries each; a spinning loop makes hundreds.
    expect(looks).toBeLessThan(30);
  });

  it('claims a job again once the dead node’s lease has run out', async () => {
    const repo = new AiJobsRepo(database.db);
    await repo.enqueue({ id: 'orphan', kind: 'test.orphan', data: {}, maxAttempts: 3 });
    expect(await repo.claim('dead-node', 1, 100, ['test.orphan'])).toHaveLength(1);
    const runs: number[] = [];
    const q = new DbJobQueue(database.db, { ...BASE, pollMs: 50 });
    q.handle('test.orphan', { run: async (job) => void runs.push(job.attempt) });
    await q.start();
    try {
      await until(() => runs.length > 0, 5_000, 'the orphan to run');
      expect(runs).toEqual([2]);
      expect(await repo.get('orphan')).toMatchObject({ status: 'done' });
    } finally {
      await q.close();
    }
  });
});
