import { defineConfig } from 'vitest/config';

import { LongFilesFirst } from './packages/server/test/support/long-files-first';

export default defineConfig({
  // Workspace packages resolve to their sources (tsconfig.base.json `paths`); their package.json exports name dist/.
  resolve: { tsconfigPaths: true },
  test: {
    include: ['packages/*/test/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    pool: 'forks',
    // Two cores: more workers than that only adds contention to timing-sensitive socket tests.
    maxWorkers: 2,
    // A worker runs file after file in one process, keeping the modules it imported: with isolation, each of
    // the 122 files imported the server and its dependencies afresh, about half the suite's CPU time
    // (docs/decisions.md, "Test suite wall time"). Files already keep to themselves: own databases,
    // tenants, queues, ports and key prefixes, and they close what they open.
    isolate: false,
    // The longest files start first, so the two workers end together (docs/decisions.md, "Suite wall time, second pass").
    sequence: { sequencer: LongFilesFirst },
    setupFiles: ['packages/server/test/support/between-files.ts'],
    globalSetup: ['packages/server/test/support/global-setup.ts'],
    reporters: process.env.CI ? ['default'] : ['default'],
  },
});
