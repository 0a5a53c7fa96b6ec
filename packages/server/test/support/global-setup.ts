import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';

import pg from 'pg';

/** Names the run's PostgreSQL databases (databases.ts), so the teardown drops this run's and no other's. */
export const RUN_ID_VARIABLE = 'SWITCHBOARD_TEST_RUN';

/** The run's build of the server's main.js (processes.ts `serverMain`), for the tests that start it as a process. */
export const SERVER_MAIN_VARIABLE = 'SWITCHBOARD_TEST_SERVER_MAIN';

/**
 * In the checkout, so the build resolves its npm imports from its node_modules; git, ESLint and Prettier leave `.tmp/`
 * alone. A path rather than `new URL(…, import.meta.url)`: under jsdom (client tests that import this for the names
 * above) `URL` is jsdom's, which `fileURLToPath` refuses.
 */
const BUILD_PARENT = join(import.meta.dirname, '../../../../.tmp');

/** vitest.config.ts globalSetup: before the first test file, in the main process, whose environment the workers inherit. */
export async function setup(): Promise<void> {
  const run = randomBytes(4).toString('hex');
  process.env[RUN_ID_VARIABLE] = run;
  // The server built once from this checkout's sources, as `npm run build:server` builds it: a process started
  // through tsx spent ~3.5 s of CPU compiling and loading the sources (0.1 s for the build), and the files that
  // start servers as processes start dozens (docs/decisions.md, "Suite wall time, second pass"). Imported here
  // only, so test workers, which import this file for the names above, do not load esbuild.
  const { buildServerDist } = await import('../../../../scripts/build-server');
  const out = join(BUILD_PARENT, `test-build-${run}`);
  await buildServerDist(out);
  process.env[SERVER_MAIN_VARIABLE] = join(out, 'main.js');
}

/**
 * After the last file: drops the databases the run left. Test files do not wait for their own
 * DROP DATABASE (each waits for a checkpoint); a worker that ended before its drops did leaves them here.
 */
export async function teardown(): Promise<void> {
  const run = process.env[RUN_ID_VARIABLE];
  if (!run) return;
  await rm(join(BUILD_PARENT, `test-build-${run}`), { recursive: true, force: true });
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
