import type { ScenarioResult } from '../core/scenario';
import { ratiosTable, resultsTable, type Table } from './scenario-tables';

/** A plain-text table with aligned columns. */
export function textTable(table: Table): string {
  const widths = table.headers.map((h, i) => Math.max(h.length, ...table.rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(table.headers), widths.map((w) => '-'.repeat(w)).join('  '), ...table.rows.map(line)].join('\n');
}

/** A scenario's results, ratios and notes for the terminal. */
export function renderScenarioText(result: ScenarioResult): string {
  const parts = [`== ${result.title} (${result.name}) ==`, textTable(resultsTable(result))];
  const ratios = ratiosTable(result);
  if (ratios.rows.length) parts.push(textTable(ratios));
  if (result.notes.length) parts.push(result.notes.map((n) => `* ${n}`).join('\n'));
  return parts.join('\n\n');
}
