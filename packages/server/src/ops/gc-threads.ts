import { availableParallelism } from 'node:os';

/**
 * Where the garbage collector runs. V8 marks and sweeps on helper threads beside the main one, which
 * pays when those threads have cores of their own. A server given one core (pinned, or one cluster
 * worker per core) has none: its helpers take that core from the main thread while they mark, and a
 * major GC at 1,000 messages/s held deliveries back for ~100 ms (p99 26–35 ms in the rounds it fell
 * in). `--single-threaded-gc` does the same work on the main thread, in steps of under a millisecond
 * between events (p99 ≤ 7 ms in every round; docs/decisions.md, "The recovery window in the heap").
 *
 * V8 reads the flag only at start (set later, it crashed). Cluster workers are started by the
 * primary, which gives it to them; a single process is started by its operator, who gives it to
 * node (docs/deploy.md), and is told at start when it would help. It does not start itself again
 * with it: a process that is not the pid its operator started breaks pid-based tooling (CPU and
 * memory readings, SIGSTOP, SIGKILL tests), which the first version of this did.
 *
 * `auto` gives it to workers that have one core each or less; `single-threaded` and `concurrent`
 * decide for them either way.
 */
export type GcMode = 'auto' | 'single-threaded' | 'concurrent';

export const SINGLE_THREADED_GC = '--single-threaded-gc';

/** Whether a process with `cores` CPUs to itself should collect on its main thread only. */
export function wantsSingleThreadedGc(mode: GcMode, cores: number): boolean {
  return mode === 'single-threaded' || (mode === 'auto' && cores <= 1);
}

/** How this process collects, as the `started` log line says it. */
export function gcOfThisProcess(): 'main-thread' | 'concurrent' {
  return process.execArgv.includes(SINGLE_THREADED_GC) ? 'main-thread' : 'concurrent';
}

/** Node's arguments for the cluster's workers, which share this machine's cores `workers` ways. */
export function workerExecArgv(mode: GcMode, workers: number, cores = availableParallelism()): string[] {
  const argv = process.execArgv.filter((arg) => arg !== SINGLE_THREADED_GC);
  return wantsSingleThreadedGc(mode, Math.floor(cores / workers)) ? [...argv, SINGLE_THREADED_GC] : argv;
}

/**
 * For a single server process: what to tell its operator at start when it has one core (CPU
 * affinity counts, so `taskset -c 0` is one core) and collects on helper threads; null otherwise.
 */
export function singleProcessGcAdvice(mode: GcMode, cores = availableParallelism()): string | null {
  if (!wantsSingleThreadedGc(mode, cores) || gcOfThisProcess() === 'main-thread') return null;
  return `${cores <= 1 ? 'one core' : 'GC_MODE=single-threaded'}: start node with ${SINGLE_THREADED_GC} for steadier latency (docs/deploy.md, GC_MODE)`;
}
