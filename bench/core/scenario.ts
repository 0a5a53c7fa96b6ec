import type { ServerTarget } from '../targets/server-target';
import type { BenchOptions } from './bench-options';
import type { PinPlan } from './pin-plan';

/** Everything a scenario may use; built once by bench/run.ts. */
export interface ScenarioContext {
  options: BenchOptions;
  /** The repository root; scripts are spawned from here. */
  cwd: string;
  pin: PinPlan;
  /** Open-file soft limit children are raised to, or null when the inherited one suffices. */
  fdLimit: number | null;
  /** The servers to measure, already filtered by BENCH_TARGETS. */
  targets: readonly ServerTarget[];
  /** Why a target cannot run on this machine, by name; read once at the start of the run. */
  unavailable: ReadonlyMap<string, string>;
  jwtSecret: string;
  internalApiKey: string;
  /** The one tenant every bench client belongs to. */
  tenantId: string;
  log(message: string): void;
}

/** One server's figures in one scenario. */
export interface TargetOutcome {
  target: string;
  status: 'ok' | 'unavailable' | 'failed';
  /** Why it is unavailable or failed. */
  reason?: string;
  /** The headline figure of each measured round. */
  rounds: Array<number | null>;
  median: number | null;
  /** Supporting figures, already formatted, by column name (see `ScenarioResult.detailColumns`). */
  details: Record<string, string>;
}

export interface ScenarioMetric {
  /** e.g. "deliveries/s" */
  label: string;
  better: 'higher' | 'lower';
  format(value: number): string;
}

export interface ScenarioResult {
  name: string;
  title: string;
  metric: ScenarioMetric;
  outcomes: TargetOutcome[];
  detailColumns: string[];
  /** Observations worth printing under the table (bottlenecks, losses). */
  notes: string[];
}

/**
 * A benchmark scenario. Each file in bench/scenarios/ default-exports one; the
 * runner finds them there, so adding a scenario is adding a file.
 *
 * @example
 * export default {
 *   name: 'chat-latency', title: 'End-to-end chat latency', order: 30,
 *   method: 'send_message → commit → delivery to 6 members …',
 *   run: async (ctx) => ({ ... }),
 * } satisfies Scenario;
 */
export interface Scenario {
  /** Used by BENCH_ONLY. */
  name: string;
  title: string;
  /** Run and report order, ascending. */
  order: number;
  /** One paragraph on what is measured and how, printed in the report. */
  method: string;
  run(ctx: ScenarioContext): Promise<ScenarioResult>;
}
