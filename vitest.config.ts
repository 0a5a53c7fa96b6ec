import { defineConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * The files that took longest in a whole run (docs/decisions.md, "Suite wall time, fourth pass: the whole run"), longest
 * first. Workers take the next file as they finish one, so starting the long ones first leaves only short
 * files for the end and both workers finish close together. A clean clone (CI) has no record of earlier
 * runs for vitest's own order (longest first from its cache, else larger files first) to go by.
 */
const LONG_FILES = [
  'client/test/package/published-packages.test.ts',
  'server/test/release/release.test.ts',
  'client/test/browser/widget-visitors.test.ts',
  'client/test/browser/dashboard-and-widget.test.ts',
  'server/test/live/presence-grace.test.ts',
  'server/test/cluster/reliability.test.ts',
  'server/test/live/fairness.test.ts',
  'server/test/storage/db.test.ts',
  'client/test/browser/labels-canned-attachments.test.ts',
  'client/test/browser/inbox-keyboard-layout.test.ts',
  'server/test/ops/startup-errors.test.ts',
  'server/test/cluster/relay-and-tailer.test.ts',
  'client/test/browser/inbox-workday.test.ts',
  'client/test/react-hooks.test.ts',
  'server/test/bridge/broker-restart.test.ts',
  'client/test/browser/dashboard-sign-in.test.ts',
  'server/test/ai/failures.test.ts',
  'server/test/ai/job-queue.contract.test.ts',
  'server/test/storage/migrations.test.ts',
  'server/test/cluster/kill-after-commit.test.ts',
];

/** `sequence.sequencer` below: {@link LONG_FILES} first, in that order, then vitest's own order. */
class LongFilesFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const rank = (spec: TestSpecification) => {
      const at = LONG_FILES.findIndex((file) => spec.moduleId.replaceAll('\\', '/').endsWith(`packages/${file}`));
      return at === -1 ? LONG_FILES.length : at;
    };
    return sorted
      .map((spec, index) => ({ spec, index, rank: rank(spec) }))
      .sort((a, b) => a.rank - b.rank || a.index - b.index)
      .map(({ spec }) => spec);
  }
}

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
    // The longest files start first, so the two workers end together (docs/decisions.md, "Suite wall time, fourth pass: the whole run").
    sequence: { sequencer: LongFilesFirst },
    setupFiles: ['packages/server/test/support/between-files.ts'],
    globalSetup: ['packages/server/test/support/global-setup.ts'],
    reporters: process.env.CI ? ['default'] : ['default'],
  },
});
