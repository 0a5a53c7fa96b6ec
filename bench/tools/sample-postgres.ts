/**
 * The loop of the PostgreSQL samplers (`pg-activity.ts`, `pg-stats.ts`): one connection to
 * BENCH_DATABASE_URL, `sample` every `everyMs` until SIGINT or SIGTERM, then the connection closed.
 */
import pg from 'pg';

import { BENCH_DATABASE_URL } from '../core/bench-services';

export async function sampleUntilStopped(everyMs: number, sample: (client: pg.Client) => Promise<void>): Promise<void> {
  const client = new pg.Client({ connectionString: BENCH_DATABASE_URL });
  await client.connect();
  let stopped = false;
  const stop = () => (stopped = true);
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  while (!stopped) {
    await sample(client);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
  await client.end();
}
