import { spawn } from 'node:child_process';
import { availableParallelism, constants } from 'node:os';

import type { Logger } from '../log';

/**
 * Where the garbage collector runs. V8 marks and sweeps on helper threads beside the main one, which
 * pays when those threads have cores of their own. A server given one core (pinned, or one cluster
 * worker per core) has none: its helpers take that core from the main thread while they mark, and a
 * major GC at 1,000 messages/s held deliveries back for ~100 ms (p99 26–35 ms in the rounds it fell
 * in). `--single-threaded-gc` does the same work on the main thread, in steps of under a millisecond
 * between events (p99 ≤ 7 ms in every round; docs/decisions.md, "The recovery window in the heap").
 *
 * V8 reads the flag only at start (set later, it crashed), so a process that should have it and does
 * not is started again with it.
 *
 * `auto` gives it to a process with one core to itself; `single-threaded` and `concurrent` force either.
 */
export type GcMode = 'auto' | 'single-threaded' | 'concurrent';

export const SINGLE_THREADED_GC = '--single-threaded-gc';

/** Set in a process this module started again, which follows its parent out. */
const RELAUNCHED = 'SWITCHBOARD_GC_RELAUNCHED';

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
 * Whether this single server process should start again with single-threaded GC: it wants it
 * (CPU affinity counts, so `taskset -c 0` is one core) and was not started with it.
 */
export function shouldRelaunch(mode: GcMode, cores = availableParallelism()): boolean {
  return wantsSingleThreadedGc(mode, cores) && gcOfThisProcess() === 'concurrent' && !process.env[RELAUNCHED];
}

/**
 * Runs this same program again with single-threaded GC and stays as its parent: signals are passed
 * on, and its exit status is this process's. The child stops by itself if this process dies
 * (SIGKILL included), so it never outlives its parent holding the port.
 */
export function relaunchWithSingleThreadedGc(log: Logger): Promise<never> {
  log.info({ gc: 'main-thread' }, 'one core: starting again with single-threaded garbage collection (GC_MODE=concurrent keeps it)');
  const child = spawn(process.execPath, [...process.execArgv, SINGLE_THREADED_GC, ...process.argv.slice(1)], {
    stdio: ['inherit', 'inherit', 'inherit', 'ipc'],
    env: { ...process.env, [RELAUNCHED]: '1' },
  });
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(signal, () => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    });
  }
  return new Promise<never>(() => {
    child.once('exit', (code, signal) => process.exit(code ?? 128 + (signal ? (constants.signals[signal] ?? 0) : 0)));
  });
}

/** In a relaunched process: stop (cleanly, as on SIGTERM) once the parent is gone. */
export function followParentOut(): void {
  if (!process.env[RELAUNCHED] || !process.connected) return;
  process.once('disconnect', () => process.kill(process.pid, 'SIGTERM'));
  // The channel must not keep an idle process alive, nor count as work.
  process.channel?.unref();
}
