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
  resolve: { alias: [{ find: /^\.\/webtransport\.js$/, replacement: fileURLToPath(new URL('./vite/no-webtransport.ts', import.meta.url)) }] },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2020',
    lib: {
      entry: 'src/index.ts',
      name: 'SwitchboardWidget',
      formats: ['iife'],
      fileName: () => 'switchboard-widget.js',
    },
  },
});
