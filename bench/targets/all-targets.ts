import { naiveTarget } from './naive-target';
import { rawWsTarget } from './raw-ws-target';
import type { ServerTarget } from './server-target';
import { switchboardPostgresTarget, switchboardTarget, switchboardTwoNodesTarget, switchboardWorkersTarget } from './switchboard-target';

/**
 * Every server the bench knows, in report order: the system under test as shipped, then its
 * baselines, then Switchboard on PostgreSQL with one process, two workers and two nodes.
 */
export const allTargets: readonly ServerTarget[] = [
  switchboardTarget,
  naiveTarget,
  rawWsTarget,
  switchboardPostgresTarget,
  switchboardWorkersTarget,
  switchboardTwoNodesTarget,
];

/** The names the ratios are quoted between: [numerator, denominator]. */
export const RATIO_PAIRS: ReadonlyArray<readonly [string, string]> = [
  ['switchboard', 'naive-000'],
  ['switchboard', 'raw-ws'],
  ['naive-000', 'raw-ws'],
  ['sb-pg-workers-2', 'sb-pg'],
  ['sb-pg-redis-2-nodes', 'sb-pg'],
];
