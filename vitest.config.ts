import { defineConfig } from 'vitest/config';

export default defineConfig({
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
