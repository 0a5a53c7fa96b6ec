import { type Clock, type ClockTimer, systemClock } from '../clock';

/** One job's outcome in a flush: jobs of one batch succeed and fail on their own. */
export type Settled<R> = { ok: true; value: R } | { ok: false; error: unknown };

export interface GroupCommitOptions<J, R> {
  /** Writes the jobs together and answers each one, in order. A rejection fails every job of the batch. */
  flush: (jobs: J[]) => Promise<Array<Settled<R>>>;
  /** Most jobs one flush takes; the rest wait for the next. */
  maxBatch?: number;
  /** Flushes running at once (1: a flush takes what arrived while the previous one ran). */
  maxInFlight?: number;
  /**
   * Jobs that must be waiting before a further flush starts while one is running (default 1), and
   * at least half as many as the largest running flush holds. Below that they wait for the running
   * flush to end, so light load still makes one flush at a time, and an overlapping flush is never
   * much smaller than the one it overlaps (each flush has a cost of its own whatever its size).
   */
  overlapAt?: number;
  /**
   * What a job locks (for the write pipeline: its conversation). When given, a flush that starts
   * while others run takes only the waiting jobs whose key no running flush holds, in order, and
   * leaves the others queued for a later flush; `overlapAt` and the half-size rule then count only
   * those. So two flushes in flight never hold one key, jobs of one key are flushed in submission
   * order, and the second flush never waits for the first's rows (docs/decisions.md, "PostgreSQL
   * stalls at 1,000 msg/s: the overlap rule"). A flush that starts with none running takes the
   * queue's head as before.
   */
  keyOf?: (job: J) => string;
  /**
   * Under sustained load, how long after the previous flush ended the next one may wait for more jobs,
   * ms (default 0: never). "Under load" is: the previous flush held at least `lingerAfter` jobs (they
   * arrived while the one before ran) and ended less than `lingerMs` ago. An idle pipeline (a quiet
   * gap, or sends answered one or two at a time) still flushes at once; a flush lingers only when
   * none is running.
   */
  lingerMs?: number;
  /** Jobs the previous flush must have held for the next to linger (default 2). */
  lingerAfter?: number;
  /** Jobs waiting that end a linger at once (default `maxBatch`). */
  lingerUntil?: number;
  /** What lingers are timed on (default the system clock). */
  clock?: Clock;
  /** Told after each flush, for metrics. */
  onFlush?: (jobs: number, ms: number) => void;
}

interface Waiting<J, R> {
  job: J;
  /** `keyOf(job)`, with `keyOf`. */
  key: string | undefined;
  resolve: (value: R) => void;
  reject: (err: unknown) => void;
}

/**
 * Group commit: jobs submitted while a flush is running are written together by the next flush,
 * so under load one transaction (and one commit's wait for the disk) serves many jobs, and when idle
 * a job is flushed at once (at the end of the event loop's current turn: jobs submitted in the same
 * turn share a flush, no timer adds latency). With `lingerMs`, only a flush that follows a busy one
 * may wait that long for more jobs. Each submitter's promise settles only after the flush that holds
 * its job has finished, which for the write pipeline means after the commit.
 *
 * @example
 * const pipeline = new GroupCommit({ flush: async (jobs) => jobs.map((j) => ({ ok: true, value: j * 2 })) });
 * await Promise.all([pipeline.submit(1), pipeline.submit(2)]); // one flush: [2, 4]
 */
export class GroupCommit<J, R> {
  private queue: Array<Waiting<J, R>> = [];
  private inFlight = 0;
  /** How many jobs each running flush holds. */
  private readonly runningSizes: number[] = [];
  /** With `keyOf`: the keys the running flushes hold (each key in one of them at most). */
  private readonly held = new Set<string>();
  /** With `keyOf`: waiting jobs per key, and how many of them have a held key (so a submit costs O(1), not a scan). */
  private readonly queuedByKey = new Map<string, number>();
  private heldQueued = 0;
  private scheduled = false;
  private idle: Array<() => void> = [];
  private readonly maxBatch: number;
  private readonly maxInFlight: number;
  private readonly overlapAt: number;
  private readonly lingerMs: number;
  private readonly lingerAfter: number;
  private readonly lingerUntil: number;
  private readonly clock: Clock;
  /** When the last flush ended (clock time) and how many jobs it held. */
  private lastEnd = Number.NEGATIVE_INFINITY;
  private lastSize = 0;
  private lingering: ClockTimer | null = null;

  constructor(private readonly opts: GroupCommitOptions<J, R>) {
    this.maxBatch = Math.max(1, opts.maxBatch ?? 1_000);
    this.maxInFlight = Math.max(1, opts.maxInFlight ?? 1);
    this.overlapAt = Math.max(1, opts.overlapAt ?? 1);
    this.lingerMs = Math.max(0, opts.lingerMs ?? 0);
    this.lingerAfter = Math.max(2, opts.lingerAfter ?? 2);
    this.lingerUntil = Math.max(1, Math.min(this.maxBatch, opts.lingerUntil ?? this.maxBatch));
    this.clock = opts.clock ?? systemClock;
  }

  submit(job: J): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      const key = this.opts.keyOf?.(job);
      if (key !== undefined) {
        this.queuedByKey.set(key, (this.queuedByKey.get(key) ?? 0) + 1);
        if (this.held.has(key)) this.heldQueued++;
      }
      this.queue.push({ job, key, resolve, reject });
      this.kick();
    });
  }

  /** Jobs waiting for a flush, and flushes running. */
  get pending(): { queued: number; inFlight: number } {
    return { queued: this.queue.length, inFlight: this.inFlight };
  }

  /** Resolves once every submitted job has been flushed. */
  drain(): Promise<void> {
    if (this.queue.length === 0 && this.inFlight === 0) return Promise.resolve();
    // Nothing more is coming (shutdown): a linger would only delay, and its timer does not keep the process alive.
    if (this.lingering) this.startSoon();
    return new Promise((resolve) => this.idle.push(resolve));
  }

  /** Whether another flush may start now. */
  private mayStart(): boolean {
    if (this.inFlight >= this.maxInFlight || this.queue.length === 0) return false;
    if (this.inFlight === 0) return true;
    // With keyOf, only the jobs a flush starting now could take count: those whose key no running flush holds.
    const free = this.queue.length - this.heldQueued;
    return free >= Math.max(this.overlapAt, Math.ceil(Math.max(...this.runningSizes) / 2));
  }

  /**
   * The jobs of the next flush, taken out of the queue: its head, or with `keyOf` while other flushes
   * run, the first `maxBatch` jobs whose key none of them holds (the rest keep their order).
   */
  private take(): Array<Waiting<J, R>> {
    if (!this.opts.keyOf) return this.queue.splice(0, this.maxBatch);
    let taken: Array<Waiting<J, R>>;
    if (this.held.size === 0) taken = this.queue.splice(0, this.maxBatch);
    else {
      taken = [];
      const left: Array<Waiting<J, R>> = [];
      for (const w of this.queue) {
        if (taken.length < this.maxBatch && !this.held.has(w.key!)) taken.push(w);
        else left.push(w);
      }
      this.queue = left;
    }
    for (const w of taken) {
      const n = this.queuedByKey.get(w.key!)! - 1;
      if (n === 0) this.queuedByKey.delete(w.key!);
      else this.queuedByKey.set(w.key!, n);
    }
    return taken;
  }

  /** Recounts the waiting jobs whose key is held, after the held keys changed (a flush started or ended). */
  private recountHeld(): void {
    let n = 0;
    for (const key of this.held) n += this.queuedByKey.get(key) ?? 0;
    this.heldQueued = n;
  }

  /**
   * How long the next flush should still wait for more jobs, ms (0 or less: none). Only the flush that
   * follows a busy one waits, and only until `lingerMs` after it ended: each flush costs the embedded
   * database ~1.5 ms of CPU whatever its size, on the thread that serves the sockets, so at a steady
   * 1,000 sends/s flushes of a few sends spend the core on that fixed part (docs/decisions.md,
   * "Embedded CPU per message").
   */
  private lingerLeft(): number {
    if (this.lingerMs === 0 || this.inFlight > 0 || this.lastSize < this.lingerAfter || this.queue.length >= this.lingerUntil) return 0;
    return this.lastEnd + this.lingerMs - this.clock.now();
  }

  private kick(): void {
    if (this.scheduled || !this.mayStart()) return;
    const wait = this.lingerLeft();
    if (wait > 0) {
      this.lingering ??= this.clock.setTimeout(() => {
        this.lingering = null;
        if (this.mayStart()) this.startSoon();
      }, wait);
      return;
    }
    this.startSoon();
  }

  private startSoon(): void {
    if (this.lingering) {
      this.clock.clearTimeout(this.lingering);
      this.lingering = null;
    }
    if (this.scheduled) return;
    this.scheduled = true;
    // setImmediate, not a microtask: it runs after the event loop has read every socket that had data
    // in this turn, so the sends of all of them share the flush (a microtask would start it after the
    // first socket's). No timer: an idle pipeline still flushes in the same turn.
    setImmediate(() => {
      this.scheduled = false;
      while (this.mayStart()) void this.run(this.take());
    });
  }

  private async run(batch: Array<Waiting<J, R>>): Promise<void> {
    this.inFlight++;
    this.runningSizes.push(batch.length);
    const keys = this.hold(batch);
    const started = performance.now();
    try {
      const outcomes = await this.opts.flush(batch.map((w) => w.job));
      batch.forEach((w, i) => {
        const outcome = outcomes[i];
        if (!outcome) w.reject(new Error('the flush gave no outcome for a job'));
        else if (outcome.ok) w.resolve(outcome.value);
        else w.reject(outcome.error);
      });
    } catch (err) {
      for (const w of batch) w.reject(err);
    } finally {
      this.inFlight--;
      this.runningSizes.splice(this.runningSizes.indexOf(batch.length), 1);
      for (const key of keys) this.held.delete(key);
      if (keys.length > 0) this.recountHeld();
      this.lastEnd = this.clock.now();
      this.lastSize = batch.length;
      this.opts.onFlush?.(batch.length, performance.now() - started);
      this.kick();
      if (this.queue.length === 0 && this.inFlight === 0) for (const done of this.idle.splice(0)) done();
    }
  }

  /** Marks the batch's keys held while it runs (with `keyOf`); returns them. */
  private hold(batch: ReadonlyArray<Waiting<J, R>>): string[] {
    if (!this.opts.keyOf) return [];
    const keys = [...new Set(batch.map((w) => w.key!))];
    for (const key of keys) this.held.add(key);
    this.recountHeld();
    return keys;
  }
}
