/**
 * Samples PostgreSQL's pg_stat_activity every 25 ms over one connection while something else runs (a
 * bench, `chat-flushes.ts`), for the backends of the databases whose name starts with the given prefix
 * and for the checkpointer, WAL writer and background writer when they wait; one tab-separated line per
 * backend and sample: time, database, pid, state, wait event, transaction age (ms), query. Stop it
 * with SIGINT or SIGTERM. Used for docs/decisions.md, "PostgreSQL stalls".
 *
 *   npx tsx bench/tools/pg-activity.ts [databasePrefix=sb_bench] > activity.tsv
 *
 * Summarise, e.g.: `awk -F'\t' '{print $4" "$5" | "substr($7,1,20)}' activity.tsv | sort | uniq -c | sort -rn`
 */
import { sampleUntilStopped } from './sample-postgres';

const [prefix = 'sb_bench'] = process.argv.slice(2);

async function main(): Promise<void> {
  await sampleUntilStopped(25, async (client) => {
    const { rows } = await client.query<Record<string, string | null>>(
      `SELECT to_char(clock_timestamp(), 'HH24:MI:SS.MS') AS t, datname, pid, state,
            coalesce(wait_event_type, '-') || '/' || coalesce(wait_event, '-') AS wait,
            round(extract(epoch FROM clock_timestamp() - xact_start) * 1000) AS xact_ms,
            left(regexp_replace(query, '\\s+', ' ', 'g'), 60) AS query
     FROM pg_stat_activity
     WHERE (datname LIKE $1 || '%' AND state <> 'idle' AND pid <> pg_backend_pid())
        OR (backend_type IN ('checkpointer', 'walwriter', 'background writer') AND wait_event_type IS NOT NULL
            AND wait_event NOT IN ('CheckpointerMain', 'WalWriterMain', 'BgWriterMain', 'BgWriterHibernate'))`,
      [prefix],
    );
    for (const r of rows) process.stdout.write(`${[r.t, r.datname, r.pid, r.state, r.wait, r.xact_ms, r.query].join('\t')}\n`);
  });
}

void main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
