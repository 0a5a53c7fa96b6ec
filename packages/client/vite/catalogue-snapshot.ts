import type { Plugin } from 'vite';

import * as constants from '../src/protocol-constants';

/** The module `protocol-constants.ts` is swapped for in browser and package builds. */
export const PROTOCOL_CONSTANTS_MODULE = /[\\/]packages[\\/]client[\\/]src[\\/]protocol-constants\.ts$/;

/**
 * `protocol-constants.ts` as the values it computes (event names, namespaces,
 * enum values), read from the catalogue now: plain frozen data that keeps every
 * name the catalogue defines and none of zod or the schemas.
 */
export function catalogueSnapshotSource(): string {
  return Object.entries(constants)
    .map(([name, value]) => `export const ${name} = /* @__PURE__ */ Object.freeze(${JSON.stringify(value)});`)
    .join('\n');
}

/**
 * Vite plugin for browser builds of the SDK: serves `protocol-constants.ts` as
 * {@link catalogueSnapshotSource}, so the browser never loads zod.
 *
 * The config that uses it must be loaded by Node through tsx
 * (`node --import tsx …vite.js build --configLoader native`), so this file's
 * import of `@switchboard/protocol` resolves to the workspace's sources through
 * tsconfig.base.json's `paths`.
 */
export function catalogueSnapshot(): Plugin {
  return {
    name: 'switchboard:catalogue-snapshot',
    enforce: 'pre',
    load(id) {
      if (!PROTOCOL_CONSTANTS_MODULE.test(id.split('?')[0] ?? id)) return null;
      return catalogueSnapshotSource();
    },
  };
}
