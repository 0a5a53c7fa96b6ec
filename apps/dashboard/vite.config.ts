import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

import { catalogueSnapshot } from '../../packages/client/vite/catalogue-snapshot';

const server = process.env.SWITCHBOARD_URL ?? 'http://localhost:3000';

/** Built into dist/ and served by Switchboard at `/`; `npm run dev -w apps/dashboard` proxies to a running server. */
export default defineConfig({
  // Workspace packages resolve to their sources (tsconfig.base.json `paths`), never to a stale dist/.
  resolve: { tsconfigPaths: true },
  plugins: [react(), catalogueSnapshot()],
  base: '/',
  build: { outDir: 'dist', emptyOutDir: true, chunkSizeWarningLimit: 600 },
  server: {
    proxy: {
      '/api': server,
      '/socket.io': { target: server, ws: true },
    },
  },
});
