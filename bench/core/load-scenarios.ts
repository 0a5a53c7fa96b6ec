import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

import type { Scenario } from './scenario';

const SCENARIO_DIR = fileURLToPath(new URL('../scenarios/', import.meta.url));

function isScenario(value: unknown): value is Scenario {
  const s = value as Partial<Scenario> | undefined;
  return !!s && typeof s.name === 'string' && typeof s.run === 'function' && typeof s.order === 'number';
}

/** Every scenario in bench/scenarios/ (each file's default export), in `order`. */
export async function loadScenarios(): Promise<Scenario[]> {
  const files = (await readdir(SCENARIO_DIR)).filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts')).sort();
  const scenarios: Scenario[] = [];
  for (const file of files) {
    const mod = (await import(pathToFileURL(join(SCENARIO_DIR, file)).href)) as { default?: unknown };
    if (!isScenario(mod.default)) throw new Error(`bench/scenarios/${file} has no default-exported Scenario`);
    scenarios.push(mod.default);
  }
  return scenarios.sort((a, b) => a.order - b.order);
}
