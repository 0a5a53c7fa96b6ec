import type { RunningServer } from '../targets/server-target';
import { InspectorSession } from './inspector-session';
import { readRssBytes } from './proc-stat';
import { sleep } from './sleep';
import { median } from './stats';

export interface MemoryReading {
  /** Median VmRSS over the first stable second, bytes. */
  rss: number | null;
  /** V8 heap in use after a forced GC, bytes; null without the inspector. */
  heapUsed: number | null;
  /** Whether a full GC ran before reading. */
  collected: boolean;
  /** Whether RSS settled (moved less than STABLE_FRACTION over a second) before the timeout. */
  stable: boolean;
}

const SAMPLE_MS = 250;
const WINDOW = 4;
const STABLE_FRACTION = 0.005;

/** VmRSS of all of a server's processes (a cluster's primary and workers), summed; null when one cannot be read. */
export function treeRssBytes(server: RunningServer): number | null {
  let sum = 0;
  for (const pid of server.pids()) {
    const rss = readRssBytes(pid);
    if (rss == null) return null;
    sum += rss;
  }
  return sum;
}

/**
 * Reads a server's memory from outside: a full GC through the inspector when the
 * server was started with it, then VmRSS from /proc/<pid>/status every 250 ms
 * until a one-second window moves by less than 0.5% (or `timeoutMs` passes);
 * the median of that window is the reading. `allProcesses`: the sums over the
 * server's processes (every worker's heap through its own inspector).
 */
export async function probeServerMemory(server: RunningServer, timeoutMs = 15000, allProcesses = false): Promise<MemoryReading> {
  let heapUsed: number | null = null;
  let collected = false;
  const urls = allProcesses ? server.inspectorUrls : server.inspectorUrl ? [server.inspectorUrl] : [];
  try {
    let sum = 0;
    for (const url of urls) {
      const session = await InspectorSession.open(url);
      try {
        await session.collectGarbage();
        sum += (await session.memoryUsage()).heapUsed ?? Number.NaN;
      } finally {
        session.close();
      }
    }
    if (urls.length) {
      collected = true;
      heapUsed = Number.isFinite(sum) ? sum : null;
    }
  } catch {
    // no GC this time; RSS still tells
  }
  const readRss = () => (allProcesses ? treeRssBytes(server) : readRssBytes(server.pid));
  const deadline = Date.now() + timeoutMs;
  const window: number[] = [];
  for (;;) {
    const rss = readRss();
    if (rss == null) return { rss: null, heapUsed, collected, stable: false };
    window.push(rss);
    if (window.length > WINDOW) window.shift();
    if (window.length === WINDOW) {
      const spread = Math.max(...window) - Math.min(...window);
      const stable = spread <= STABLE_FRACTION * Math.max(...window);
      if (stable || Date.now() >= deadline) return { rss: median(window), heapUsed, collected, stable };
    }
    await sleep(SAMPLE_MS);
  }
}

/**
 * Waits until a freshly started server's RSS has stopped falling: V8's memory
 * reducer returns the start-up garbage only after 8 s of idleness, in up to two
 * steps 8 s apart, and a forced GC does not do it sooner. Resolves once RSS moved
 * less than 0.5% over `windowMs` and at least `minMs` have passed, or at `maxMs`.
 */
export async function waitForIdleRss(pid: number | (() => number | null), minMs = 18000, windowMs = 9000, maxMs = 45000): Promise<boolean> {
  const started = Date.now();
  const samples: Array<{ at: number; rss: number }> = [];
  for (;;) {
    const rss = typeof pid === 'number' ? readRssBytes(pid) : pid();
    if (rss == null) return false;
    const now = Date.now();
    samples.push({ at: now, rss });
    while (samples.length > 1 && now - samples[1]!.at >= windowMs) samples.shift();
    const covered = now - samples[0]!.at >= windowMs;
    const values = samples.map((x) => x.rss);
    const stable = covered && Math.max(...values) - Math.min(...values) <= STABLE_FRACTION * Math.max(...values);
    if (now - started >= minMs && stable) return true;
    if (now - started >= maxMs) return false;
    await sleep(SAMPLE_MS * 2);
  }
}
