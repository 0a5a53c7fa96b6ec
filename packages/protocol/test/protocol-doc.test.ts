import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import { describe, expect, it } from 'vitest';

import { renderProtocolDoc } from '../src/doc/protocol-doc';
import { CATALOGUE } from '../src/index';

const DOC_PATH = fileURLToPath(new URL('../../../docs/protocol.md', import.meta.url));

describe('docs/protocol.md', () => {
  it('matches the catalogue', () => {
    let committed = '';
    try {
      committed = readFileSync(DOC_PATH, 'utf8');
    } catch {
      // A missing file fails below with the same instruction.
    }
    const fresh = renderProtocolDoc();
    expect(committed === fresh, 'docs/protocol.md is out of date: run `npm run docs:protocol` and commit it').toBe(true);
  });

  it('renders every catalogued event', () => {
    const doc = renderProtocolDoc();
    for (const event of CATALOGUE) expect(doc).toContain(`| \`${event.name}\` |`);
  });
});
