/**
 * Samples PostgreSQL's server-wide counters every 50 ms while something else runs (a bench,
 * `chat-flushes.ts`): pg_stat_wal, pg_stat_bgwriter, the WAL segments in pg_wal (count and newest
 * modification), the WAL insert position, and the autovacuum workers with what they run. One
 * tab-separated line per sample with the counters' deltas since the previous sample, so a stall's
 * moment (from the server's slow-flush log) can be lined up with what PostgreSQL did then. Stop it with
 * SIGINT or SIGTERM. Used for docs/decisions.md, "PostgreSQL stalls at 1,000 msg/s: what a stall is".
 *
 *   npx tsx bench/tools/pg-stats.ts [intervalMs=50] > stats.tsv
 *
 * Columns: time, WAL kB, WAL records, full-page images, wal_buffers_full, wal_write, wal_sync,
 * wal_write_time+wal_sync_time (ms, if track_wal_io_timing), buffers_backend, buffers_backend_fsync,
 * buffers_clean, buffers_checkpoint, checkpoints (timed+req), WAL segments in pg_wal, autovacuum workers.
 * The WAL position is exact; pg_stat_wal and pg_stat_bgwriter are reported by each backend now and then
 * (about once a second), so their deltas come in lumps.
 */
import { sampleUntilStopped } from './sample-postgres';

const intervalMs = Number(process.argv[2] ?? 50);

async function main(): Promise<void> {
  let prev: number[] | undefined;
  await sampleUntilStopped(intervalMs, async (client) => {
    const { rows } = await client.query<{ t: string; v: string[]; segs: string; av: string | null }>(
      `SELECT to_char(clock_timestamp(), 'HH24:MI:SS.MS') AS t,
            ARRAY[pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0') / 1024, w.wal_records, w.wal_fpi, w.wal_buffers_full,
                  w.wal_write, w.wal_sync, w.wal_write_time + w.wal_sync_time, b.buffers_backend,
                  b.buffers_backend_fsync, b.buffers_clean, b.buffers_checkpoint,
                  b.checkpoints_timed + b.checkpoints_req]::text[] AS v,
            (SELECT count(*) FROM pg_ls_waldir() WHERE name ~ '^[0-9A-F]{24}$') AS segs,
            (SELECT string_agg(pid || ':' || left(regexp_replace(query, '\\s+', ' ', 'g'), 50), ' | ')
               FROM pg_stat_activity WHERE backend_type = 'autovacuum worker') AS av
     FROM pg_stat_wal w, pg_stat_bgwriter b`,
    );
    const r = rows[0]!;
    const v = r.v.map(Number);
    if (prev) {
      const d = v.map((x, i) => Math.round((x - prev![i]!) * 10) / 10);
      process.stdout.write(`${[r.t, ...d, r.segs, r.av ?? '-'].join('\t')}\n`);
    }
    prev = v;
  });
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
