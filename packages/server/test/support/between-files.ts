import { appendFileSync, readFileSync } from 'node:fs';

import { afterAll, vi } from 'vitest';

/*
 * Runs in every test file (vitest.config.ts setupFiles). Test files share a worker process one after
 * the other (isolate: false), so what one file changes in the process must not reach the next.
 */
afterAll(() => {
  // A file that left fake timers on would stall every timer of the files after it.
  vi.useRealTimers();
});

/**
 * With SWITCHBOARD_TEST_CPU_LOG=<file>, each test file appends one JSON line: its CPU time (the worker's, plus
 * that of the processes it started and that have ended: servers, npm, tsc, Chromium) and its wall time, from
 * before its imports to after its last hook. On a machine others share, wall time measures the machine; CPU
 * per file is what compares runs (docs/decisions.md, "Suite wall time, third pass").
 */
const CPU_LOG = process.env.SWITCHBOARD_TEST_CPU_LOG;
if (CPU_LOG) {
  // This file runs before each test file is imported, so the figures include its imports.
  const startCpu = cpuMs();
  const startWall = performance.now();
  const startQueued = queuedMs();
  // vitest requires the first argument (the fixtures) destructured; the suite, here the file, is the second.
  // eslint-disable-next-line no-empty-pattern
  afterAll(({}, suite) => {
    const file = 'filepath' in suite ? suite.filepath : suite.file.filepath;
    const line = {
      file,
      pid: process.pid,
      cpuMs: Math.round(cpuMs() - startCpu),
      wallMs: Math.round(performance.now() - startWall),
      queuedMs: Math.round(queuedMs() - startQueued),
    };
    appendFileSync(CPU_LOG, `${JSON.stringify(line)}\n`);
  });
}

/**
 * How long the worker's main thread was ready to run but waited for a CPU, in ms (Linux; elsewhere 0). On a
 * box others share, `wallMs - queuedMs` is near what the file would take with a core to itself: its own
 * work plus what it really waits for (timers, the database, other processes).
 */
function queuedMs(): number {
  try {
    // run time, run-queue wait and time slices of the main thread, the first two in ns.
    return Number(readFileSync('/proc/self/schedstat', 'utf8').split(' ')[1]) / 1e6;
  } catch {
    return 0;
  }
}

/** This process's CPU time and its ended children's, in ms (children from /proc on Linux; elsewhere 0). */
function cpuMs(): number {
  const own = process.cpuUsage();
  let children = 0;
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    // Fields after the command name in parentheses; cutime and cstime are the 16th and 17th, in clock ticks (100 a second).
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    children = (Number(fields[13]) + Number(fields[14])) * 10;
  } catch {
    // Not Linux: the worker's own time only.
  }
  return (own.user + own.system) / 1_000 + children;
}
