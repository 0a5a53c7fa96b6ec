import { performance } from 'node:perf_hooks';

import { readCpuSeconds } from './proc-stat';

/** CPU use of one process over a window: 100 means one core fully busy. */
export interface CpuWindow {
  percent: number | null;
}

/**
 * Measures the CPU use of several processes over the same wall-clock window.
 *
 * @example
 * const meter = new CpuMeter({ server: 1234, loadgen: 1240 });
 * meter.start();
 * await work();
 * meter.stop(); // { server: 98.7, loadgen: 41.2 }
 */
export class CpuMeter<K extends string> {
  private startWall = 0;
  private startCpu = new Map<K, number | null>();

  constructor(private readonly pids: Record<K, number>) {}

  start(): void {
    this.startWall = performance.now();
    for (const key of Object.keys(this.pids) as K[]) this.startCpu.set(key, readCpuSeconds(this.pids[key]));
  }

  stop(): Record<K, number | null> {
    const wallSeconds = (performance.now() - this.startWall) / 1000;
    const out = {} as Record<K, number | null>;
    for (const key of Object.keys(this.pids) as K[]) {
      const before = this.startCpu.get(key);
      const after = readCpuSeconds(this.pids[key]);
      out[key] = before == null || after == null || wallSeconds <= 0 ? null : ((after - before) / wallSeconds) * 100;
    }
    return out;
  }
}
