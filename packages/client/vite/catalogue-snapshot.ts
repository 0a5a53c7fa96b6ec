import type { Plugin } from 'vite';
import * as constants from '../src/protocol-constants';

const MODULE = /[\\/]packages[\\/]client[\\/]src[\\/]protocol-constants\.ts$/;

/**
 * Vite plugin for browser builds of the SDK: serves `protocol-constants.ts` as
 * the values it computes (event names, namespaces, enum values), read from the
 * catalogue at build time. The bundle keeps every name the catalogue defines
 * and none of zod or the schemas, which the browser never runs.
 *
 * Needs `vite build --configLoader runner`, so this file can import the
 * workspace's TypeScript sources while the config loads.
 */
export function catalogueSnapshot(): Plugin {
  return {
    name: 'switchboard:catalogue-snapshot',
    enforce: 'pre',
    load(id) {
      if (!MODULE.test(id.split('?')[0] ?? id)) return null;
      return Object.entries(constants)
        .map(([name, value]) => `export const ${name} = /* @__PURE__ */ Object.freeze(${JSON.stringify(value)});`)
        .join('\n');
    },
  };
}
