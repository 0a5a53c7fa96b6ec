import { expect, it } from 'vitest';

import { GroupCommit, type Settled } from '../../src/domain/group-commit';

/** A flush that stays open until the test releases it, recording what each flush held. */
function controlledFlush() {
  const flushes: number[][] = [];
  const releases: Array<() => void> = [];
  const flush = (jobs: number[]) =>
    new Promise<Array<Settled<number>>>((resolve) => {
      flushes.push(jobs);
      releases.push(() => resolve(jobs.map((j) => ({ ok: true, value: j * 10 }))));
    });
  return { flush, flushes, releases };
}

const turn = () => new Promise((resolve) => setImmediate(resolve));

it('overlaps a second flush only once enough jobs wait: overlapAt, and half the running flush', async () => {
  const { flush, flushes, releases } = controlledFlush();
  const pipeline = new GroupCommit<number, number>({ flush, maxInFlight: 2, overlapAt: 3 });
  const answers: Array<Promise<number>> = [];
  const submit = (...jobs: number[]) => jobs.forEach((j) => answers.push(pipeline.submit(j)));

  submit(1, 2, 3, 4, 5, 6, 7, 8);
  await turn();
  expect(flushes).toEqual([[1, 2, 3, 4, 5, 6, 7, 8]]);
  // Three wait (overlapAt) but the running flush holds eight: fewer than half of it do not overlap.
  submit(9, 10, 11);
  await turn();
  expect(flushes).toHaveLength(1);
  submit(12);
  await turn();
  expect(flushes).toEqual([
    [1, 2, 3, 4, 5, 6, 7, 8],
    [9, 10, 11, 12],
  ]);
  expect(pipeline.pending).toEqual({ queued: 0, inFlight: 2 });
  // Two in flight: a third waits whatever the queue holds.
  submit(13, 14, 15, 16, 17, 18, 19, 20);
  await turn();
  expect(flushes).toHaveLength(2);
  releases[0]!();
  await turn();
  await turn();
  expect(flushes[2]).toEqual([13, 14, 15, 16, 17, 18, 19, 20]);
  releases[1]!();
  releases[2]!();
  expect(await Promise.all(answers)).toEqual(Array.from({ length: 20 }, (_, i) => (i + 1) * 10));
  await pipeline.drain();
});

it('flushes one at a time by default, the next taking everything that arrived meanwhile', async () => {
  const { flush, flushes, releases } = controlledFlush();
  const pipeline = new GroupCommit<number, number>({ flush });
  const answers = [pipeline.submit(1)];
  await turn();
  for (let j = 2; j <= 200; j++) answers.push(pipeline.submit(j));
  await turn();
  expect(flushes).toHaveLength(1);
  releases[0]!();
  await turn();
  await turn();
  expect(flushes[1]).toHaveLength(199);
  releases[1]!();
  expect(await Promise.all(answers)).toHaveLength(200);
});
