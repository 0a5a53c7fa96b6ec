/**
 * `npm run bench`: starts each server under test and its load generator as
 * child processes (pinned to different cores where possible), runs every
 * scenario in bench/scenarios/, prints a table per scenario, and appends a dated
 * section with the machine, every figure, medians and ratios to docs/benchmarks.md.
 *
 * @example
 * npm run bench
 * BENCH_CLIENTS=200 BENCH_SECONDS=2 BENCH_ROUNDS=1 BENCH_DOC=off npm run bench   # smoke run
 * BENCH_ONLY=fanout BENCH_TARGETS=switchboard,naive-000 npm run bench
 */
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

import { describeOptions, readBenchOptions } from './core/bench-options';
import { installChildCleanup } from './core/child-processes';
import { fdLimitFor, readFdLimits } from './core/fd-limits';
import { loadScenarios } from './core/load-scenarios';
import { describeMachine } from './core/machine-info';
import { pinSelf, planPinning } from './core/pin-plan';
import type { ScenarioContext } from './core/scenario';
import { appendToDoc } from './report/append-to-doc';
import { renderRunMarkdown, type RunReport } from './report/render-markdown';
import { renderScenarioText } from './report/render-text';
import { allTargets } from './targets/all-targets';

async function main(): Promise<void> {
  installChildCleanup();
  const startedAt = new Date();
  const t0 = performance.now();
  const cwd = fileURLToPath(new URL('..', import.meta.url));
  const options = readBenchOptions();

  const pin = planPinning(options.pin);
  const fd = readFdLimits();
  // A server holds one descriptor per client, a load generator one per client plus a few.
  const fdLimit = fdLimitFor(options.clients + 1024, fd);
  if (fd && fdLimit !== null && fdLimit < options.clients + 1024) {
    console.warn(`warning: open-file hard limit ${fd.hard} is below the ${options.clients + 1024} needed; connections may fail`);
  }
  const machine = describeMachine(cwd, pin, fd, fdLimit);
  // After describing the machine: a pinned process sees one CPU in nproc.
  if (pin.enabled && pin.loadgenCpu) pinSelf(pin.loadgenCpu);

  const unknown = options.targets.filter((n) => !allTargets.some((t) => t.name === n));
  if (unknown.length) throw new Error(`BENCH_TARGETS: unknown ${unknown.join(', ')} (known: ${allTargets.map((t) => t.name).join(', ')})`);
  const targets = options.targets.length ? allTargets.filter((t) => options.targets.includes(t.name)) : allTargets;

  const available = await loadScenarios();
  const missing = options.only.filter((n) => !available.some((s) => s.name === n));
  if (missing.length) throw new Error(`BENCH_ONLY: unknown ${missing.join(', ')} (known: ${available.map((s) => s.name).join(', ')})`);
  const scenarios = options.only.length ? available.filter((s) => options.only.includes(s.name)) : available;

  const unavailableTargets = new Map<string, string>();
  for (const target of targets) {
    const why = await target.unavailableReason(cwd);
    if (why) unavailableTargets.set(target.name, why);
  }

  const ctx: ScenarioContext = {
    options,
    cwd,
    pin,
    fdLimit,
    targets,
    unavailable: unavailableTargets,
    jwtSecret: randomBytes(32).toString('hex'),
    internalApiKey: randomBytes(16).toString('hex'),
    tenantId: 'bench-tenant',
    log: (message) => console.log(`[${((performance.now() - t0) / 1000).toFixed(1).padStart(6)} s] ${message}`),
  };

  console.log(`Switchboard benchmarks: ${scenarios.map((s) => s.name).join(', ')} against ${targets.map((t) => t.name).join(', ')}`);
  console.log(`machine: ${machine.cpus} × ${machine.cpuModel}, ${machine.memory}, ${machine.os}, Node ${machine.node}`);
  console.log(`pinning: ${pin.description}; open files: ${machine.fdLimits}; ws bufferutil: ${machine.bufferutil}`);
  console.log(`options: ${describeOptions(options)}\n`);

  const report: RunReport = {
    startedAt,
    durationSeconds: 0,
    command: 'npm run bench',
    options: describeOptions(options),
    machine,
    scenarios: [],
  };
  for (const scenario of scenarios) {
    ctx.log(`scenario ${scenario.name}: ${scenario.title}`);
    const result = await scenario.run(ctx);
    report.scenarios.push({ scenario, result });
    console.log(`\n${renderScenarioText(result)}\n`);
  }
  report.durationSeconds = (performance.now() - t0) / 1000;

  if (options.doc) {
    await appendToDoc(resolve(cwd, options.doc), renderRunMarkdown(report));
    console.log(`appended to ${options.doc}`);
  }
  console.log(`done in ${report.durationSeconds.toFixed(0)} s`);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err instanceof Error ? (err.stack ?? err.message) : err);
    process.exit(1);
  },
);
