import { afterAll, vi } from 'vitest';

/*
 * Runs in every test file (vitest.config.ts setupFiles). Test files share a worker process one after
 * the other (isolate: false), so what one file changes in the process must not reach the next.
 */
afterAll(() => {
  // A file that left fake timers on would stall every timer of the files after it.
  vi.useRealTimers();
});
