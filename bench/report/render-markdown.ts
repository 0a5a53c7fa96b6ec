import type { MachineInfo } from '../core/machine-info';
import type { Scenario, ScenarioResult } from '../core/scenario';
import { ratiosTable, resultsTable, type Table } from './scenario-tables';

export function markdownTable(table: Table): string {
  const esc = (s: string) => s.replace(/\|/g, '\\|');
  const numeric = (i: number) => i > 0;
  return [
    `| ${table.headers.map(esc).join(' | ')} |`,
    `| ${table.headers.map((_, i) => (numeric(i) ? '---:' : '---')).join(' | ')} |`,
    ...table.rows.map((r) => `| ${r.map(esc).join(' | ')} |`),
  ].join('\n');
}

export interface RunReport {
  startedAt: Date;
  durationSeconds: number;
  command: string;
  options: string;
  machine: MachineInfo;
  scenarios: Array<{ scenario: Scenario; result: ScenarioResult }>;
}

/** The dated section appended to docs/benchmarks.md for one run. */
export function renderRunMarkdown(run: RunReport): string {
  const m = run.machine;
  const lines = [
    `## Run of ${run.startedAt.toISOString().replace('T', ' ').slice(0, 16)} UTC`,
    '',
    `Command: \`${run.command}\`${run.options ? ` with \`${run.options}\`` : ''} (took ${Math.round(run.durationSeconds)} s).`,
    '',
    '| machine | |',
    '| --- | --- |',
    `| CPUs (nproc) | ${m.cpus} × ${m.cpuModel} |`,
    `| memory | ${m.memory} |`,
    `| OS | ${m.os} |`,
    `| Node | ${m.node} |`,
    `| packages | ${m.packages} |`,
    `| ws add-ons | bufferutil: ${m.bufferutil} |`,
    `| pinning | ${m.pinning} |`,
    `| open files | ${m.fdLimits} |`,
    `| git | ${m.git} |`,
  ];
  for (const { scenario, result } of run.scenarios) {
    lines.push('', `### ${result.title}`, '', scenario.method, '', markdownTable(resultsTable(result)));
    const ratios = ratiosTable(result);
    if (ratios.rows.length) lines.push('', markdownTable(ratios));
    if (result.notes.length) lines.push('', ...result.notes.map((n) => `- ${n}`));
  }
  return lines.join('\n') + '\n';
}
