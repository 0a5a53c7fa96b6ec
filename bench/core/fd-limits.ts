import { spawnSync } from 'node:child_process';

/** The open-file limits children inherit from this shell: `ulimit -n` and `ulimit -Hn`. */
export interface FdLimits {
  soft: number;
  hard: number;
}

function parseLimit(text: string | undefined): number {
  if (!text) return 0;
  return text.trim() === 'unlimited' ? Number.MAX_SAFE_INTEGER : Number(text.trim()) || 0;
}

export function readFdLimits(): FdLimits | null {
  const out = spawnSync('sh', ['-c', 'ulimit -n; ulimit -Hn'], { encoding: 'utf8' });
  if (out.status !== 0) return null;
  const [soft, hard] = out.stdout.trim().split('\n');
  return { soft: parseLimit(soft), hard: parseLimit(hard) };
}

/**
 * The soft limit a child should be raised to so it can hold `needed` descriptors,
 * or null when the inherited limit already suffices (or nothing can be read).
 * Never above the hard limit: a process may raise its soft limit only that far.
 */
export function fdLimitFor(needed: number, limits: FdLimits | null): number | null {
  if (!limits || limits.soft >= needed) return null;
  return Math.min(limits.hard, Math.max(needed, 65536));
}
