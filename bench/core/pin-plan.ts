import { spawnSync } from 'node:child_process';

/**
 * Which cores the server and the load generator run on. With two or more CPUs
 * and `taskset` (util-linux), the server gets the first allowed CPU and the load
 * generator (and this orchestrator) the second, so neither steals the other's
 * core; otherwise everything floats and the report says so.
 */
export interface PinPlan {
  enabled: boolean;
  /** Why pinning is off, or which CPUs are used. */
  description: string;
  serverCpu: string | null;
  loadgenCpu: string | null;
}

function allowedCpus(): number[] | null {
  const out = spawnSync('taskset', ['-cp', String(process.pid)], { encoding: 'utf8' });
  if (out.status !== 0) return null;
  // "pid 123's current affinity list: 0,1" or "0-3,6"
  const list = out.stdout.split(':').pop()?.trim();
  if (!list) return null;
  const cpus: number[] = [];
  for (const part of list.split(',')) {
    const [from, to] = part.split('-').map(Number);
    if (from === undefined || !Number.isFinite(from)) continue;
    for (let c = from; c <= (to ?? from); c++) cpus.push(c);
  }
  return cpus;
}

export function planPinning(wanted: boolean): PinPlan {
  const off = (description: string): PinPlan => ({ enabled: false, description, serverCpu: null, loadgenCpu: null });
  if (!wanted) return off('off (BENCH_PIN=0)');
  if (process.platform !== 'linux') return off(`off (${process.platform} has no taskset)`);
  const cpus = allowedCpus();
  if (!cpus) return off('off (taskset not found; install util-linux)');
  if (cpus.length < 2) return off(`off (only CPU ${cpus.join(',')} allowed)`);
  const [server, loadgen] = cpus as [number, number];
  return {
    enabled: true,
    description: `taskset: server on CPU ${server}, load generator and orchestrator on CPU ${loadgen}`,
    serverCpu: String(server),
    loadgenCpu: String(loadgen),
  };
}

/** Moves every thread of this process onto `cpu`; returns false if taskset refused. */
export function pinSelf(cpu: string): boolean {
  return spawnSync('taskset', ['-a', '-cp', cpu, String(process.pid)], { stdio: 'ignore' }).status === 0;
}
