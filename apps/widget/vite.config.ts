import { defineConfig } from 'vite';
import { catalogueSnapshot } from '../../packages/client/vite/catalogue-snapshot';

/**
 * One self-contained script, `dist/switchboard-widget.js` (IIFE, no imports),
 * plus the demo page from public/. Served by Switchboard under `/widget/`.
 */
export default defineConfig({
  // Workspace packages resolve to their sources (tsconfig.base.json `paths`), never to a stale dist/.
  resolve: { tsconfigPaths: true },
  plugins: [catalogueSnapshot()],
  publicDir: 'public',
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
