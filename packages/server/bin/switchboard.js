#!/usr/bin/env node
// The `switchboard` command. In a checkout (src/ and tsx present) it runs the
// TypeScript sources, so it is never a stale build; in a production install
// (no src/, no tsx) it runs the built dist/cli.js.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const source = new URL('../src/cli.ts', import.meta.url);
let tsx = null;
if (existsSync(source)) {
  try {
    tsx = await import('tsx/esm/api');
  } catch {
    // no tsx: production install
  }
}
if (tsx) {
  // The repository's tsconfig maps @switchboard/* to their sources, wherever the command is run from.
  tsx.register({ tsconfig: fileURLToPath(new URL('../../../tsconfig.json', import.meta.url)) });
  await import(source.href);
} else {
  await import(new URL('../dist/cli.js', import.meta.url).href);
}
