import { CoreMeter, workPercent } from './core-meter';
import { CpuMeter } from './cpu-meter';
import { sleep } from './sleep';

export interface QuietCheck {
  quiet: boolean;
  /** CPU the machine worked for others than `ownPids` over the last sample, percent of one CPU. */
  busyPercent: number;
  waitedMs: number;
}

/**
 * Waits (up to `maxWaitMs`) until processes other than the harness's own
 * (`ownPids`, and this one) use less than `thresholdPercent` of one CPU over a
 * half-second sample: whether something else (a test run, a compiler) is
 * competing for the cores before a round starts.
 */
export async function waitForQuiet(maxWaitMs: number, ownPids: readonly number[] = [], thresholdPercent = 15): Promise<QuietCheck> {
  const started = Date.now();
  const meter = new CoreMeter();
  const own = new CpuMeter(Object.fromEntries([process.pid, ...ownPids].map((pid) => [String(pid), pid])));
  for (;;) {
    meter.start();
    own.start();
    await sleep(500);
    const ours = Object.values(own.stop()).reduce<number>((sum, v) => sum + (v ?? 0), 0);
    const busy = Math.max(0, workPercent(meter.stop()) - ours);
    const waitedMs = Date.now() - started;
    if (busy < thresholdPercent) return { quiet: true, busyPercent: busy, waitedMs };
    if (waitedMs >= maxWaitMs) return { quiet: false, busyPercent: busy, waitedMs };
  }
}
