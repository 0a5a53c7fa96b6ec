import { readFileSync } from 'node:fs';

/** How one CPU spent a window, in percent of the window. */
export interface CoreUse {
  /** Everything but idle and iowait. */
  busy: number;
  user: number;
  system: number;
  /** Interrupt handling; on loopback most of the TCP work lands here, charged to no process. */
  softirq: number;
  /** Time the hypervisor gave to someone else. */
  steal: number;
}

type Counters = number[];

function readCores(): Map<string, Counters> {
  const out = new Map<string, Counters>();
  try {
    for (const line of readFileSync('/proc/stat', 'utf8').split('\n')) {
      if (!/^cpu\d+ /.test(line)) continue;
      const [name, ...values] = line.trim().split(/\s+/);
      out.set(name!.slice(3), values.map(Number));
    }
  } catch {
    // not Linux
  }
  return out;
}

/**
 * Whole-CPU accounting from /proc/stat over a window, for every CPU. Per-process
 * CPU time misses softirq work and steal, and says nothing of other processes;
 * this shows whether a core was really saturated, and by whom.
 *
 * @example
 * const meter = new CoreMeter(); meter.start(); …; meter.stop().get('0')?.busy
 */
export class CoreMeter {
  private before = new Map<string, Counters>();

  start(): void {
    this.before = readCores();
  }

  stop(): Map<string, CoreUse> {
    const after = readCores();
    const out = new Map<string, CoreUse>();
    for (const cpu of after.keys()) {
      const a = after.get(cpu);
      const b = this.before.get(cpu);
      if (!a || !b) continue;
      // user nice system idle iowait irq softirq steal guest guest_nice
      const d = a.map((v, i) => v - (b[i] ?? 0));
      const total = d.slice(0, 8).reduce((s, v) => s + v, 0);
      if (total <= 0) continue;
      const pct = (v: number) => (v / total) * 100;
      out.set(cpu, {
        busy: pct(total - (d[3] ?? 0) - (d[4] ?? 0)),
        user: pct((d[0] ?? 0) + (d[1] ?? 0)),
        system: pct((d[2] ?? 0) + (d[5] ?? 0)),
        softirq: pct(d[6] ?? 0),
        steal: pct(d[7] ?? 0),
      });
    }
    return out;
  }
}

/**
 * Sum over CPUs of the time this machine was really working (busy minus steal),
 * in percent of one CPU. Without IRQ time accounting the kernel charges softirq
 * ticks to whichever process was running, so busy time is what compares with the
 * processes' own CPU time.
 */
export function workPercent(use: Map<string, CoreUse>): number {
  let sum = 0;
  for (const core of use.values()) sum += core.busy - core.steal;
  return sum;
}
