import type { ScenarioResult } from '../core/scenario';
import { ratio } from '../core/stats';
import { RATIO_PAIRS } from '../targets/all-targets';
import { formatRatio, na } from './format';

export interface Table {
  headers: string[];
  rows: string[][];
}

/** One row per server: status, median, each round, then the scenario's own columns. */
export function resultsTable(result: ScenarioResult): Table {
  const fmt = (v: number | null) => (v == null ? na : result.metric.format(v));
  const rounds = Math.max(0, ...result.outcomes.map((o) => o.rounds.length));
  const headers = [
    'server',
    `median ${result.metric.label}`,
    ...Array.from({ length: rounds }, (_, i) => `round ${i + 1}`),
    ...result.detailColumns,
  ];
  const rows = result.outcomes.map((o) => {
    if (o.status !== 'ok') {
      return [o.target, `${o.status}: ${o.reason ?? ''}`.trim(), ...Array<string>(headers.length - 2).fill('')];
    }
    return [
      o.target,
      fmt(o.median),
      ...Array.from({ length: rounds }, (_, i) => fmt(o.rounds[i] ?? null)),
      ...result.detailColumns.map((c) => o.details[c] ?? ''),
    ];
  });
  return { headers, rows };
}

/** The quoted ratios of medians: switchboard/naive-000, switchboard/raw-ws, naive-000/raw-ws. */
export function ratiosTable(result: ScenarioResult): Table {
  // A ratio of a non-positive figure (memory that shrank within noise) means nothing.
  const medianOf = (name: string) => {
    const o = result.outcomes.find((x) => x.target === name);
    return o && o.status === 'ok' && o.median != null && o.median > 0 ? o.median : null;
  };
  const better = result.metric.better === 'higher' ? 'above 1 is better' : 'below 1 is better';
  // Pairs where a side could not run here (a service missing, a scenario that does not apply) are left out.
  const ran = (name: string) => result.outcomes.some((o) => o.target === name && o.status !== 'unavailable');
  const rows = RATIO_PAIRS.filter(([a, b]) => ran(a) && ran(b)).map(([a, b]) => [
    `${a} / ${b}`,
    formatRatio(ratio(medianOf(a), medianOf(b))),
    better,
  ]);
  return { headers: ['ratio of medians', result.metric.label, ''], rows };
}
