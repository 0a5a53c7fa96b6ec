import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

import { renderProtocolDoc } from '../src/doc/protocol-doc';

// The committed document, at the repository root, wherever the script is run from.
const PROTOCOL_DOC_PATH = fileURLToPath(new URL('../../../docs/protocol.md', import.meta.url));

const text = renderProtocolDoc();
mkdirSync(dirname(PROTOCOL_DOC_PATH), { recursive: true });
writeFileSync(PROTOCOL_DOC_PATH, text);
console.log(`wrote ${PROTOCOL_DOC_PATH} (${text.length} characters)`);
