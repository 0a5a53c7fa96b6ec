import { readFileSync } from 'node:fs';

import { expect, it } from 'vitest';

import { ConfigSchema } from '../../src/config';

const README = readFileSync(new URL('../../../../README.md', import.meta.url), 'utf8');

it("the README's configuration table names every variable the server reads", () => {
  const table = README.slice(README.indexOf('## Configuration'), README.indexOf('\n## ', README.indexOf('## Configuration') + 5));
  const missing = Object.keys(ConfigSchema.shape).filter((name) => !table.includes(`\`${name}\``));
  expect(missing).toEqual([]);
});

it('the README leads a new user in order: quick start, embedding, tokens, HTTP reference, deploying', () => {
  const order = [
    '## Quick start',
    '## Embedding the widget and the SDK',
    '## Minting tokens',
    '## HTTP API',
    '## Deploying',
    '## Configuration',
  ].map((h) => README.indexOf(h));
  expect(order.every((at) => at > 0)).toBe(true);
  expect([...order].sort((a, b) => a - b)).toEqual(order);
  expect(README).toContain('docs/auth.md');
  expect(README).toContain('/openapi.json');
});
