import { fileURLToPath } from 'node:url';

import { defineConfig } from 'vite';

import { catalogueSnapshot } from '../../packages/client/vite/catalogue-snapshot';

/**
 * One self-contained script, `dist/switchboard-widget.js` (IIFE, no imports),
 * plus the demo page from public/. Served by Switchboard under `/widget/`.
 */
export default defineConfig({
  plugins: [catalogueSnapshot()],
  publicDir: 'public',
  // Workspace packages resolve to their sources (tsconfig.base.json `paths`), never to a stale dist/.
  // The widget never uses engine.io's WebTransport transport: leaving it out saves about 3 kB gzipped.
  resolve: {
    tsconfigPaths: true,
    alias: [{ find: /^\.\/webtransport\.js$/, replacement: fileURLToPath(new URL('./vite/no-webtransport.ts', import.meta.url)) }],
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // ES2022 (every browser since spring 2022: Chrome 94, Firefox 93, Safari 15.4) ships class fields
    // and `??=` as written; down-levelled to ES2020 they cost about 500 bytes gzipped of the 30 kB budget.
    target: 'es2022',
    lib: {
      entry: 'src/index.ts',
      name: 'SwitchboardWidget',
      formats: ['iife'],
      fileName: () => 'switchboard-widget.js',
    },
  },
});
