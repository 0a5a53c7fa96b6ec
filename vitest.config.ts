import { defineConfig } from 'vitest/config';

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
    reporters: process.env.CI ? ['default'] : ['default'],
  },
});
