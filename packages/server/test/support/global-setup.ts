import { randomBytes } from 'node:crypto';

import pg from 'pg';

/** Names the run's PostgreSQL databases (databases.ts), so the teardown drops this run's and no other's. */
export const RUN_ID_VARIABLE = 'SWITCHBOARD_TEST_RUN';

/** vitest.config.ts globalSetup: before the first test file, in the main process, whose environment the workers inherit. */
export function setup(): void {
  process.env[RUN_ID_VARIABLE] = randomBytes(4).toString('hex');
}

/**
 * After the last file: drops the databases the run left. Test files do not wait for their own
 * DROP DATABASE (each waits for a checkpoint); a worker that ended before its drops did leaves them here.
 */
export async function teardown(): Promise<void> {
  const run = process.env[RUN_ID_VARIABLE];
  if (!run) return;
  const client = new pg.Client({
    connectionString: process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test',
    connectionTimeoutMillis: 2_000,
  });
  try {
    await client.connect();
  } catch {
    // No PostgreSQL: the run skipped (or failed) its PostgreSQL variants and created nothing.
    return;
  }
  try {
    const left = await client.query<{ datname: string }>('SELECT datname FROM pg_database WHERE starts_with(datname, $1)', [
      `sb_test_${run}_`,
    ]);
    for (const { datname } of left.rows) await client.query(`DROP DATABASE IF EXISTS ${datname} WITH (FORCE)`);
  } finally {
    await client.end();
  }
}
