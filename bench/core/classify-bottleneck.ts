import type { WindowUse } from './window-meter';

/** A process using this share of its core counts as saturated. */
export const SATURATED_PERCENT = 90;
/** Other processes using this share of one CPU make a window unreliable. */
export const NOISY_PERCENT = 20;

/**
 * Which side limited a throughput window, from the CPU use of the server and the
 * load generator (each pinned to its own core) and of everything else. A
 * process's CPU time already includes the loopback softirq work the kernel did
 * on its behalf while it ran.
 */
export function classifyBottleneck(use: WindowUse, pinned: boolean): string {
  if (!pinned) return 'unknown (not pinned)';
  if (use.other != null && use.other >= NOISY_PERCENT) return `noisy (other processes ${use.other.toFixed(0)}%)`;
  if (use.server == null || use.loadgen == null) return 'unknown';
  const s = use.server >= SATURATED_PERCENT;
  const l = use.loadgen >= SATURATED_PERCENT;
  if (s && !l) return 'server';
  if (l && !s) return 'LOAD GENERATOR';
  if (s && l) return 'both';
  return 'neither (latency-bound)';
}
