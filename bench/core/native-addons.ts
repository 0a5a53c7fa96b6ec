import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const require = createRequire(import.meta.url);

/**
 * Whether ws will use the native `bufferutil` add-on (frame masking) in this
 * install, rather than its JavaScript fallback. ws reads it with `require('bufferutil')`
 * unless WS_NO_BUFFER_UTIL is set, and validates UTF-8 with Node's own `buffer.isUtf8`.
 */
export function describeBufferutil(): string {
  if (process.env.WS_NO_BUFFER_UTIL) return 'disabled by WS_NO_BUFFER_UTIL';
  try {
    const addon = require('bufferutil') as { mask?: unknown };
    const native = typeof addon.mask === 'function' && /\[native code\]/.test(String(addon.mask));
    return native ? 'native' : 'JavaScript fallback (add-on failed to load)';
  } catch {
    return 'not installed';
  }
}

/** `version` of the package installed at the top of `cwd`'s node_modules, or 'missing'. */
export function packageVersion(cwd: string, name: string): string {
  try {
    return (JSON.parse(readFileSync(join(cwd, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return 'missing';
  }
}
