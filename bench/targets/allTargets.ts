import { naiveTarget } from './naiveTarget';
import { rawWsTarget } from './rawWsTarget';
import { switchboardTarget } from './switchboardTarget';
import type { ServerTarget } from './serverTarget';

/** Every server the bench knows, in report order: the system under test, then its baselines. */
export const allTargets: readonly ServerTarget[] = [switchboardTarget, naiveTarget, rawWsTarget];

/** The names the ratios are quoted between: [numerator, denominator]. */
export const RATIO_PAIRS: ReadonlyArray<readonly [string, string]> = [
  ['switchboard', 'naive-000'],
  ['switchboard', 'raw-ws'],
  ['naive-000', 'raw-ws'],
];
