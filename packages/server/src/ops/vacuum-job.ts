import { performance } from 'node:perf_hooks';

import type { Clock } from '../clock';
import type { Config } from '../config';
import type { Logger } from '../log';
import type { Db } from '../storage/db';
import { DbVacuum, type VacuumPass } from '../storage/db-vacuum';
import type { Metrics } from './metrics';

/**
 * Past this age of the oldest datfrozenxid, freezing is not keeping up (or a template database holds
 * it back: those are frozen when the embedded database opens, storage/pglite-db.ts), and the operator
 * hears of it long before PostgreSQL's own warnings (40 million before the stop at ~2.1 billion).
 */
export const XID_AGE_WARNING = 1_000_000_000;

/**
 * On the embedded engine a pass waits while the event loop has been busier than DB_VACUUM_BUSY_UTILIZATION
 * since the last look (over the interval at the due time, then over BUSY_RECHECK_MS), for at most this many
 * intervals. A pass holds the event loop itself (PGlite runs on it): at 1,000 messages/s the first pass, VACUUM
 * and ANALYZE of a minute's messages, stalled deliveries for ~130 ms (p99 130 ms in that round against 18–35 ms
 * in the others; docs/decisions.md, "The vacuum pass waits for a quiet moment").
 */
const MAX_DELAY_INTERVALS = 4;

/** Whether the event loop was busier than `threshold` of the time since the previous call. */
export function eventLoopBusierThan(threshold: number): () => boolean {
  let last = performance.eventLoopUtilization();
  return () => {
    const now = performance.eventLoopUtilization();
    const busy = performance.eventLoopUtilization(now, last).utilization > threshold;
    last = now;
    return busy;
  };
}

/**
 * Starts the vacuum job where it belongs: always on the embedded engine (unless DB_VACUUM_INTERVAL_S
 * is 0), on PostgreSQL only with DB_VACUUM_ON_POSTGRES, because there autovacuum is the server's
 * job and its operator's to tune. Returns the teardown, or null when the job does not run.
 */
export function startVacuumJob(deps: {
  db: Db;
  config: Config;
  clock: Clock;
  log: Logger;
  metrics: Metrics;
}): (() => Promise<void>) | null {
  const { db, config, log, metrics } = deps;
  if (config.DB_VACUUM_INTERVAL_S === 0) return null;
  if (db.kind === 'postgres' && !config.DB_VACUUM_ON_POSTGRES) return null;
  const jobLog = log.child({ component: 'vacuum' });
  const vacuum = new DbVacuum(db, {
    intervalMs: config.DB_VACUUM_INTERVAL_S * 1_000,
    freezeAge: config.DB_VACUUM_FREEZE_AGE,
    clock: deps.clock,
    onError: (err) => jobLog.error({ err }, 'vacuum pass failed'),
    onPass: (pass) => report(pass, jobLog, metrics),
    // On PostgreSQL a pass runs in the database's own process, beside the event loop.
    ...(db.kind === 'pglite' && config.DB_VACUUM_BUSY_UTILIZATION < 1
      ? {
          busy: eventLoopBusierThan(config.DB_VACUUM_BUSY_UTILIZATION),
          maxDelayMs: MAX_DELAY_INTERVALS * config.DB_VACUUM_INTERVAL_S * 1_000,
        }
      : {}),
  });
  vacuum.start();
  return () => vacuum.close();
}

function report(pass: VacuumPass, log: Logger, metrics: Metrics): void {
  metrics.dbXidAge.set(pass.xidAge);
  let longest = 0;
  for (const step of pass.steps) {
    longest = Math.max(longest, step.ms);
    metrics.dbVacuumSeconds.observe({ kind: step.kind }, step.ms / 1000);
    log.debug({ table: step.table, kind: step.kind, deadBefore: step.deadBefore, ms: round(step.ms) }, 'vacuumed a table');
  }
  if (pass.steps.length > 0)
    log.info({ tables: pass.steps.length, ms: round(pass.ms), longestMs: round(longest), xidAge: pass.xidAge }, 'database vacuumed');
  if (pass.xidAge > XID_AGE_WARNING)
    log.warn(
      { xidAge: pass.xidAge, database: pass.xidAgeDatabase },
      'transaction ids are not being frozen: restart the server (the embedded template databases are frozen at start) or VACUUM (FREEZE) that database',
    );
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}
