import type { Clock, ClockTimer } from '../clock';
import type { Db } from './db';

/**
 * Why a statement of a pass ran: `vacuum` (dead row versions or many inserts), `freeze` (old
 * transaction ids and nothing else: both are `VACUUM (FREEZE)`), `analyze` (changed contents).
 */
export type VacuumKind = 'vacuum' | 'freeze' | 'analyze';

/** One VACUUM or ANALYZE statement of a pass, for metrics and the debug log (the table's name, never SQL). */
export interface VacuumStep {
  table: string;
  kind: VacuumKind;
  /** Dead row versions the statistics counted before it. */
  deadBefore: number;
  /** Wall time of the statement: the embedded engine's one connection was held that long. */
  ms: number;
}

/** A pass over the tables. `steps` is empty when no table needed anything. */
export interface VacuumPass {
  steps: VacuumStep[];
  /** Wall time of the whole pass, the look at the statistics included. */
  ms: number;
  /** Oldest age(datfrozenxid) over every database of the cluster after the pass, and whose it is. */
  xidAge: number;
  xidAgeDatabase: string;
}

export interface DbVacuumOptions {
  /** Time between the end of one pass and the start of the next. */
  intervalMs: number;
  /** A table whose age(relfrozenxid) (or its TOAST table's) passed this is vacuumed with FREEZE. */
  freezeAge: number;
  clock: Clock;
  onPass?: (pass: VacuumPass) => void;
  onError: (err: unknown) => void;
  /**
   * Whether the node is busy now. A due pass waits while it is, looking again every BUSY_RECHECK_MS, for
   * at most `maxDelayMs`, then runs anyway: dead row versions and transaction ids cannot wait for a quiet
   * hour that may never come. Absent: passes run on time.
   */
  busy?: () => boolean;
  maxDelayMs?: number;
}

/** How often a pass that waits for a quiet moment looks again. */
export const BUSY_RECHECK_MS = 2_000;

/**
 * Thresholds of PostgreSQL's own autovacuum (its defaults), applied to the statistics the server
 * keeps anyway: a table is vacuumed when its dead row versions pass 50 + 20% of its rows, or its
 * inserts since the last vacuum pass 1,000 + 20% (which sets the visibility map and freezes
 * insert-only tables a little at a time). It is analyzed when its changes since the last ANALYZE pass
 * 50 + 20%, not autovacuum's 10%: ANALYZE is the job's longest statement on a caught-up database,
 * the distributions of append-only tables barely move, and VACUUM keeps the row and page counts the
 * planner scales its estimates by up to date (docs/decisions.md).
 */
const VACUUM_BASE = 50;
const VACUUM_SCALE = 0.2;
const INSERT_BASE = 1_000;
const INSERT_SCALE = 0.2;
const ANALYZE_BASE = 50;
const ANALYZE_SCALE = 0.2;
/**
 * The job's ANALYZE samples 3,000 rows (300 × this) instead of PostgreSQL's 30,000: on the embedded
 * engine ANALYZE of a 100,000-message table held the connection 0.8–4 s at target 100 and 0.3–1 s at
 * 10 (docs/decisions.md). Every query Switchboard plans looks rows up by key; a coarser histogram
 * does not change those plans.
 */
const STATISTICS_TARGET = 10;

interface Candidate {
  name: string;
  reltuples: number;
  dead: number;
  inserted: number;
  modified: number;
  xid_age: number;
}

/**
 * Routine vacuuming for a database nobody else vacuums: PGlite has no autovacuum, so without this the
 * conversations table and its indexes grew by a row version per message forever, and transaction ids
 * were never frozen until PostgreSQL refused writes at wraparound (docs/decisions.md, "Vacuuming the
 * embedded database").
 *
 * Every `intervalMs` it reads the statistics (pg_stat_all_tables) and, smallest table first, runs
 * what each table needs, one statement at a time: `VACUUM (FREEZE)` for dead row versions, many
 * inserts or old transaction ids, then `ANALYZE` (sampling less than PostgreSQL does) for changed
 * contents. On PGlite each statement holds the one connection, so sends wait behind it; one statement
 * at a time lets the sends that queued meanwhile run before the next, and tables with nothing to do
 * cost nothing. PGlite also runs on the event loop, so a statement stops everything else while it
 * runs: a pass that falls due while the node is busy waits for a quieter moment (`busy`), within a bound.
 *
 * @example
 * const vacuum = new DbVacuum(db, { intervalMs: 60_000, freezeAge: 100_000_000, clock, onError });
 * vacuum.start();
 * await vacuum.close();
 */
export class DbVacuum {
  private timer: ClockTimer | null = null;
  private running: Promise<VacuumPass | null> | null = null;
  private stopped = false;

  constructor(
    private readonly db: Db,
    private readonly opts: DbVacuumOptions,
  ) {}

  start(): void {
    if (this.stopped || this.timer) return;
    this.schedule();
  }

  /** Runs a pass now, or waits for the one running; null once closed. */
  runPass(): Promise<VacuumPass | null> {
    if (this.stopped) return Promise.resolve(null);
    this.running ??= this.pass().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  /** Stops the timer; a pass in progress ends after its current statement (which cannot be cut short). */
  async close(): Promise<void> {
    this.stopped = true;
    this.opts.clock.clearTimeout(this.timer);
    this.timer = null;
    await this.running?.catch(() => undefined);
  }

  private schedule(): void {
    this.waitFor(this.opts.intervalMs, this.opts.clock.now() + this.opts.intervalMs);
  }

  /** Runs the pass due at `dueAt` after `delayMs`, or later while the node is busy (at most `maxDelayMs` late). */
  private waitFor(delayMs: number, dueAt: number): void {
    this.timer = this.opts.clock.setTimeout(() => {
      this.timer = null;
      if (this.opts.busy?.() && this.opts.clock.now() - dueAt < (this.opts.maxDelayMs ?? 0)) {
        this.waitFor(BUSY_RECHECK_MS, dueAt);
        return;
      }
      void this.runPass()
        .catch((err: unknown) => this.opts.onError(err))
        .finally(() => {
          if (!this.stopped) this.schedule();
        });
    }, delayMs);
  }

  private async pass(): Promise<VacuumPass | null> {
    const started = performance.now();
    // PGlite's one connection reports its counts to the shared statistics at most once a second; ask for them now.
    if (this.db.kind === 'pglite') await this.db.query('SELECT pg_stat_force_next_flush()');
    const candidates = await this.db.query<Candidate>(
      `SELECT quote_ident(s.schemaname) || '.' || quote_ident(s.relname) AS name,
              greatest(c.reltuples, 0)::float8 AS reltuples, s.n_dead_tup AS dead, s.n_ins_since_vacuum AS inserted,
              s.n_mod_since_analyze AS modified,
              greatest(age(c.relfrozenxid), coalesce(age(t.relfrozenxid), 0)) AS xid_age
       FROM pg_stat_all_tables s
       JOIN pg_class c ON c.oid = s.relid
       LEFT JOIN pg_class t ON t.oid = c.reltoastrelid
       WHERE c.relkind IN ('r', 'm') AND s.schemaname <> 'pg_toast' AND c.relpersistence = 'p'
         -- On PostgreSQL under a role that is not a superuser, the tables it may vacuum (PGlite's user owns all).
         AND pg_has_role(c.relowner, 'USAGE')
       ORDER BY pg_total_relation_size(s.relid), s.relid`,
    );
    const steps: VacuumStep[] = [];
    for (const c of candidates) {
      if (this.stopped) break;
      for (const kind of whatToDo(c, this.opts.freezeAge)) {
        const t0 = performance.now();
        if (kind === 'analyze') {
          await this.db.transaction(async (tx) => {
            await tx.query(`SET LOCAL default_statistics_target = ${STATISTICS_TARGET}`);
            await tx.query(`ANALYZE ${c.name}`);
          });
        } else {
          // Always with FREEZE: each page is frozen on the visit that finds it new (1–4× a plain VACUUM of those
          // pages, tens to hundreds of ms), so no table is ever left with months of unfrozen pages for one
          // anti-wraparound pass of many seconds (docs/decisions.md).
          await this.db.query(`VACUUM (FREEZE) ${c.name}`);
        }
        steps.push({ table: c.name, kind, deadBefore: Number(c.dead), ms: performance.now() - t0 });
        // Sends that arrived during the statement go first: they are queued on the connection ahead of the next one.
        await new Promise((resolve) => setImmediate(resolve));
      }
    }
    const [oldest] = await this.db.query<{ datname: string; age: number }>(
      'SELECT datname, age(datfrozenxid) AS age FROM pg_database ORDER BY age(datfrozenxid) DESC LIMIT 1',
    );
    const result: VacuumPass = {
      steps,
      ms: performance.now() - started,
      xidAge: Number(oldest?.age ?? 0),
      xidAgeDatabase: oldest?.datname ?? '',
    };
    this.opts.onPass?.(result);
    return result;
  }
}

/** The statements one table needs, in order; none when it needs nothing. */
function whatToDo(c: Candidate, freezeAge: number): VacuumKind[] {
  const rows = Number(c.reltuples);
  const kinds: VacuumKind[] = [];
  if (Number(c.dead) > VACUUM_BASE + VACUUM_SCALE * rows || Number(c.inserted) > INSERT_BASE + INSERT_SCALE * rows) kinds.push('vacuum');
  else if (Number(c.xid_age) > freezeAge) kinds.push('freeze');
  // System catalogs are vacuumed and frozen but not analyzed: their statistics are the catalog's business.
  const catalog = c.name.startsWith('pg_catalog.') || c.name.startsWith('information_schema.');
  if (!catalog && Number(c.modified) > ANALYZE_BASE + ANALYZE_SCALE * rows) kinds.push('analyze');
  return kinds;
}
