import { appendFileSync, readdirSync, readFileSync } from 'node:fs';

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
 * that of the processes it started, ended or still running: servers, npm, tsc, Chromium) and its wall time, from
 * before its imports to after its last hook. On a machine others share, wall time measures the machine; CPU
 * per file is what compares runs (docs/decisions.md, "Suite wall time, third pass"). A process that outlives
 * the file (the worker's shared Chromium, browser/support/chromium.ts) counts in each file for what it used
 * during that file.
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

/**
 * This process's CPU time, its ended children's, and that of its descendants still running, in ms (children from
 * /proc on Linux; elsewhere 0).
 */
function cpuMs(): number {
  const own = process.cpuUsage();
  let children = 0;
  try {
    // Fields after the command name in parentheses: utime and stime are the 12th and 13th, cutime and cstime
    // (the ended children's, once waited for) the 14th and 15th, in clock ticks (100 a second); ppid is the 2nd.
    const fields = (pid: string | number) => {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    };
    const self = fields('self');
    children = (Number(self[13]) + Number(self[14])) * 10;
    children += liveDescendantsTicks(fields) * 10;
  } catch {
    // Not Linux: the worker's own time only.
  }
  return (own.user + own.system) / 1_000 + children;
}

/** The CPU ticks of this process's descendants that still run, each with its own ended children's. */
function liveDescendantsTicks(fields: (pid: string | number) => string[]): number {
  const childrenOf = new Map<number, Array<{ pid: number; ticks: number }>>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const f = fields(entry);
      const ppid = Number(f[1]);
      const ticks = Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]);
      childrenOf.set(ppid, [...(childrenOf.get(ppid) ?? []), { pid: Number(entry), ticks }]);
    } catch {
      // Ended while being read.
    }
  }
  let total = 0;
  const pending = [process.pid];
  while (pending.length) {
    for (const child of childrenOf.get(pending.pop()!) ?? []) {
      total += child.ticks;
      pending.push(child.pid);
    }
  }
  return total;
}
