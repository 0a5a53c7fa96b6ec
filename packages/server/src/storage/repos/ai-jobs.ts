import type { Queryable } from '../db';
import { jsonParam } from '../row-mapping';

export type JobStatus = 'queued' | 'running' | 'done' | 'failed';

export interface StoredJob {
  id: string;
  kind: string;
  data: unknown;
  status: JobStatus;
  /** Attempts started, this one included once claimed. */
  attempts: number;
  maxAttempts: number;
  lastError: string | null;
}

interface Row {
  id: string;
  kind: string;
  data: unknown;
  status: JobStatus;
  attempts: number;
  max_attempts: number;
  last_error: string | null;
}

const toJob = (r: Row): StoredJob => ({
  id: r.id,
  kind: r.kind,
  data: r.data,
  status: r.status,
  attempts: r.attempts,
  maxAttempts: r.max_attempts,
  lastError: r.last_error,
});

/**
 * The embedded job queue's table. A worker claims due rows with FOR UPDATE SKIP LOCKED and holds
 * them for a lease; a row still `running` after its lease belongs to a node that stopped and is
 * claimed again. Every change after the claim names the worker, so a node that lost its lease
 * cannot overwrite the outcome of the node that took the job over.
 */
export class AiJobsRepo {
  constructor(private readonly q: Queryable) {}

  /** False when a job with this id exists already, whatever its state: ids are idempotency keys. */
  async enqueue(input: { id: string; kind: string; data: unknown; maxAttempts: number }): Promise<boolean> {
    const rows = await this.q.query(
      `INSERT INTO ai_jobs (id, kind, data, max_attempts) VALUES ($1, $2, $3::jsonb, $4)
       ON CONFLICT (id) DO NOTHING RETURNING id`,
      [input.id, input.kind, jsonParam(input.data ?? null), input.maxAttempts],
    );
    return rows.length > 0;
  }

  async claim(worker: string, limit: number, leaseMs: number, kinds: readonly string[]): Promise<StoredJob[]> {
    const rows = await this.q.query<Row>(
      `UPDATE ai_jobs j
       SET status = 'running', attempts = j.attempts + 1, locked_by = $1,
           locked_until = now() + $3::integer * interval '1 millisecond', updated_at = now()
       FROM (
         SELECT id FROM ai_jobs
         WHERE kind = ANY($4::text[])
           AND ((status = 'queued' AND run_at <= now()) OR (status = 'running' AND locked_until < now()))
         ORDER BY run_at, id
         LIMIT $2
         FOR UPDATE SKIP LOCKED
       ) due
       WHERE j.id = due.id
       RETURNING j.*`,
      [worker, limit, leaseMs, [...kinds]],
    );
    return rows.map(toJob);
  }

  async complete(id: string, worker: string): Promise<boolean> {
    return this.finish(id, worker, 'done', null);
  }

  async fail(id: string, worker: string, error: string): Promise<boolean> {
    return this.finish(id, worker, 'failed', error);
  }

  /** Back to the queue after a failed attempt, due again in `delayMs`. */
  async retry(id: string, worker: string, delayMs: number, error: string): Promise<boolean> {
    const rows = await this.q.query(
      `UPDATE ai_jobs SET status = 'queued', run_at = now() + $3::integer * interval '1 millisecond',
         last_error = $4, locked_by = NULL, locked_until = NULL, updated_at = now()
       WHERE id = $1 AND locked_by = $2 AND status = 'running' RETURNING id`,
      [id, worker, Math.max(0, Math.round(delayMs)), error],
    );
    return rows.length > 0;
  }

  /** Hands an unfinished job back when its node stops, without counting the attempt. */
  async release(id: string, worker: string): Promise<boolean> {
    const rows = await this.q.query(
      `UPDATE ai_jobs SET status = 'queued', run_at = now(), attempts = GREATEST(attempts - 1, 0),
         locked_by = NULL, locked_until = NULL, updated_at = now()
       WHERE id = $1 AND locked_by = $2 AND status = 'running' RETURNING id`,
      [id, worker],
    );
    return rows.length > 0;
  }

  async get(id: string): Promise<StoredJob | null> {
    const rows = await this.q.query<Row>('SELECT * FROM ai_jobs WHERE id = $1', [id]);
    return rows[0] ? toJob(rows[0]) : null;
  }

  /** Milliseconds until the next queued job of these kinds is due (0 when one is due now); null when none waits. */
  async msUntilNextDue(kinds: readonly string[]): Promise<number | null> {
    // Not GREATEST(0, …) in SQL: GREATEST skips NULL, so an empty queue would read as "due now" and the loop would spin.
    const rows = await this.q.query<{ ms: number | null }>(
      `SELECT (EXTRACT(EPOCH FROM (min(run_at) - now())) * 1000)::float8 AS ms
       FROM ai_jobs WHERE status = 'queued' AND kind = ANY($1::text[])`,
      [[...kinds]],
    );
    const ms = rows[0]?.ms;
    return ms == null ? null : Math.max(0, ms);
  }

  /** Forgets finished jobs older than `ageMs`; their ids stop deduplicating. */
  async prune(ageMs: number): Promise<number> {
    const rows = await this.q.query(
      `DELETE FROM ai_jobs WHERE status IN ('done', 'failed') AND finished_at < now() - $1::integer * interval '1 millisecond' RETURNING id`,
      [ageMs],
    );
    return rows.length;
  }

  private async finish(id: string, worker: string, status: 'done' | 'failed', error: string | null): Promise<boolean> {
    const rows = await this.q.query(
      `UPDATE ai_jobs SET status = $3, last_error = COALESCE($4, last_error), finished_at = now(),
         locked_by = NULL, locked_until = NULL, updated_at = now()
       WHERE id = $1 AND locked_by = $2 AND status = 'running' RETURNING id`,
      [id, worker, status, error],
    );
    return rows.length > 0;
  }
}
