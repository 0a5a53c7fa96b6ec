import { CoreMeter, type CoreUse, workPercent } from './core-meter';
import { CpuMeter } from './cpu-meter';
import type { PinPlan } from './pin-plan';

/** Where the CPU went during one measured window. Percentages are of one CPU. */
export interface WindowUse {
  server: number | null;
  loadgen: number | null;
  /** The outside services the server uses (its PostgreSQL backends, Redis), not pinned; null when it uses none. */
  services: number | null;
  /** The whole server core (pinned runs only), including softirq and steal. */
  serverCore: CoreUse | null;
  loadgenCore: CoreUse | null;
  /** The harness's other children (servers and load generators waiting for their turn, normally paused). */
  bystanders: number | null;
  /** Work on the machine's CPUs not done by the harness's processes. */
  other: number | null;
}

/**
 * Measures a window from both sides: each process's own CPU time, and each
 * core's accounting, so that a saturated core, loopback softirq work, steal and
 * other processes competing for the machine all show.
 */
export class WindowMeter {
  private readonly processes: CpuMeter<string>;
  private readonly bystanders: CpuMeter<string>;
  private readonly services: CpuMeter<string>;
  private readonly cores = new CoreMeter();

  /** `server` lists every process of the server (its workers, or several nodes); their CPU is summed. */
  constructor(
    private readonly pids: { server: readonly number[]; loadgen: number; services?: readonly number[] },
    bystanderPids: readonly number[],
    private readonly pin: PinPlan,
  ) {
    this.processes = new CpuMeter({
      ...Object.fromEntries(pids.server.map((pid) => [`server:${pid}`, pid])),
      loadgen: pids.loadgen,
      self: process.pid,
    });
    this.bystanders = new CpuMeter(Object.fromEntries(bystanderPids.map((pid) => [String(pid), pid])));
    this.services = new CpuMeter(Object.fromEntries((pids.services ?? []).map((pid) => [String(pid), pid])));
  }

  start(): void {
    this.processes.start();
    this.bystanders.start();
    this.services.start();
    this.cores.start();
  }

  stop(): WindowUse {
    const p = this.processes.stop();
    const serverParts = this.pids.server.map((pid) => p[`server:${pid}`]);
    const server = serverParts.some((v) => v == null) ? null : serverParts.reduce<number>((sum, v) => sum + (v ?? 0), 0);
    const by = Object.values(this.bystanders.stop()).reduce<number>((sum, v) => sum + (v ?? 0), 0);
    const services = this.pids.services?.length ? Object.values(this.services.stop()).reduce<number>((sum, v) => sum + (v ?? 0), 0) : null;
    const cores = this.cores.stop();
    const ours = (server ?? 0) + (p.loadgen ?? 0) + (p.self ?? 0) + by + (services ?? 0);
    return {
      server,
      loadgen: p.loadgen ?? null,
      services,
      bystanders: by,
      serverCore: this.pin.serverCpu ? (cores.get(this.pin.serverCpu) ?? null) : null,
      loadgenCore: this.pin.loadgenCpu ? (cores.get(this.pin.loadgenCpu) ?? null) : null,
      other: cores.size ? Math.max(0, workPercent(cores) - ours) : null,
    };
  }
}

/** "97% (sirq 12, steal 1)" */
export function describeCoreUse(use: CoreUse | null): string {
  if (!use) return 'n/a';
  return `${use.busy.toFixed(0)}% (sirq ${use.softirq.toFixed(0)}, steal ${use.steal.toFixed(0)})`;
}
