import { describe, expect, it } from 'vitest';

import { GroupCommit, type Settled } from '../../src/domain/group-commit';
import { ManualClock } from '../support/manual-clock';

/** A flush that stays open until the test releases it, recording what each flush held; each job is answered with `answer(job)`. */
function openFlush<J, R>(answer: (job: J) => R) {
  const flushes: J[][] = [];
  const releases: Array<() => void> = [];
  const flush = (jobs: J[]) =>
    new Promise<Array<Settled<R>>>((resolve) => {
      flushes.push(jobs);
      releases.push(() => resolve(jobs.map((j) => ({ ok: true, value: answer(j) }))));
    });
  return { flush, flushes, releases };
}

const controlledFlush = () => openFlush((j: number) => j * 10);

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

/** Whether a promise has settled, without waiting for it. */
async function settled(p: Promise<unknown>): Promise<boolean> {
  let done = false;
  p.then(
    () => (done = true),
    () => (done = true),
  );
  await turn();
  return done;
}

it('with a linger, an idle pipeline still flushes at once: the first send, a send after a quiet gap, sends answered one by one', async () => {
  const clock = new ManualClock();
  const { flush, flushes, releases } = controlledFlush();
  const pipeline = new GroupCommit<number, number>({ flush, lingerMs: 5, clock });

  const first = pipeline.submit(1);
  await turn();
  expect(flushes).toEqual([[1]]);
  releases[0]!();
  expect(await first).toBe(10);
  // The previous flush held one send: nothing suggests load, so no wait even right after it.
  const second = pipeline.submit(2);
  await turn();
  expect(flushes).toEqual([[1], [2]]);
  // While a flush runs, sends wait for it as always; the next flush then holds them all.
  const busy = [pipeline.submit(3), pipeline.submit(4)];
  releases[1]!();
  await turn();
  await turn();
  expect(flushes[2]).toEqual([3, 4]);
  releases[2]!();
  await Promise.all([second, ...busy]);
  // A busy flush, then a quiet gap longer than the linger: idle again, flushed at once.
  await clock.advance(5);
  const late = pipeline.submit(5);
  await turn();
  expect(flushes[3]).toEqual([5]);
  releases[3]!();
  expect(await late).toBe(50);
});

it('lingers only after a flush of lingerAfter jobs: light load, two sends at a time, is not held', async () => {
  const clock = new ManualClock();
  const { flush, flushes, releases } = controlledFlush();
  const pipeline = new GroupCommit<number, number>({ flush, lingerMs: 5, lingerAfter: 3, clock });
  const pair = [pipeline.submit(1), pipeline.submit(2)];
  await turn();
  releases[0]!();
  await Promise.all(pair);
  const next = [pipeline.submit(3), pipeline.submit(4), pipeline.submit(5)];
  await turn();
  expect(flushes).toEqual([
    [1, 2],
    [3, 4, 5],
  ]);
  releases[1]!();
  await Promise.all(next);
  // After three, the next flush waits.
  const held = pipeline.submit(6);
  await turn();
  expect(flushes).toHaveLength(2);
  await clock.advance(5);
  await turn();
  expect(flushes[2]).toEqual([6]);
  releases[2]!();
  expect(await held).toBe(60);
});

it('under load, the flush after a busy one gathers sends for up to lingerMs, or until lingerUntil wait', async () => {
  const clock = new ManualClock();
  const { flush, flushes, releases } = controlledFlush();
  const pipeline = new GroupCommit<number, number>({ flush, lingerMs: 5, lingerUntil: 4, clock });
  const answers = [pipeline.submit(1), pipeline.submit(2)];
  await turn();
  expect(flushes).toEqual([[1, 2]]);
  releases[0]!();
  await Promise.all(answers);

  // Just after a flush of two: the next waits for more, and its sends are not answered meanwhile.
  const three = pipeline.submit(3);
  await turn();
  await turn();
  expect(flushes).toHaveLength(1);
  await clock.advance(2);
  const more = [pipeline.submit(4), pipeline.submit(5)];
  await clock.advance(2);
  expect(flushes).toHaveLength(1);
  expect(await settled(three)).toBe(false);
  // lingerMs after the last flush ended: what gathered goes out together.
  await clock.advance(1);
  await turn();
  expect(flushes[1]).toEqual([3, 4, 5]);
  expect(await settled(three)).toBe(false);
  releases[1]!();
  expect(await Promise.all([three, ...more])).toEqual([30, 40, 50]);

  // lingerUntil sends waiting end the wait at once, with no time passing.
  const full = [6, 7, 8].map((j) => pipeline.submit(j));
  await turn();
  expect(flushes).toHaveLength(2);
  full.push(pipeline.submit(9));
  await turn();
  expect(flushes[2]).toEqual([6, 7, 8, 9]);
  releases[2]!();
  expect(await Promise.all(full)).toEqual([60, 70, 80, 90]);

  // drain (shutdown) does not wait out a linger.
  const last = pipeline.submit(10);
  await turn();
  expect(flushes).toHaveLength(3);
  const drained = pipeline.drain();
  await turn();
  expect(flushes[3]).toEqual([10]);
  releases[3]!();
  await drained;
  expect(await last).toBe(100);
});

describe('with keyOf (what a job locks: its conversation)', () => {
  /** Jobs "a1", "b2"…: the letter is the key. */
  const keyOf = (job: string) => job[0]!;
  const keyedFlush = () => openFlush((j: string) => j.toUpperCase());

  it('an overlapping flush takes only the jobs whose key no running flush holds; the others wait, in order', async () => {
    const { flush, flushes, releases } = keyedFlush();
    const pipeline = new GroupCommit<string, string>({ flush, maxInFlight: 2, overlapAt: 2, keyOf });
    const answers: Array<Promise<string>> = [];
    const submit = (...jobs: string[]) => jobs.forEach((j) => answers.push(pipeline.submit(j)));

    submit('a1', 'b1');
    await turn();
    expect(flushes).toEqual([['a1', 'b1']]);
    // a and b are held: only one free job (c1) waits, fewer than overlapAt.
    submit('a2', 'c1', 'b2');
    await turn();
    expect(flushes).toHaveLength(1);
    expect(pipeline.pending).toEqual({ queued: 3, inFlight: 1 });
    // A second free job: the overlapping flush takes c1 and d1, not a2 or b2.
    submit('d1');
    await turn();
    expect(flushes[1]).toEqual(['c1', 'd1']);
    expect(pipeline.pending).toEqual({ queued: 2, inFlight: 2 });
    // Two in flight: nothing else starts. When the first ends, the next takes a2 and b2 (c and d are
    // held by the second, so c2 stays), keeping each key's order.
    submit('c2', 'e1');
    await turn();
    expect(flushes).toHaveLength(2);
    releases[0]!();
    await turn();
    await turn();
    expect(flushes[2]).toEqual(['a2', 'b2', 'e1']);
    expect(pipeline.pending).toEqual({ queued: 1, inFlight: 2 });
    releases[1]!();
    await turn();
    await turn();
    // c2 alone is below overlapAt while the third flush runs: it waits for it.
    expect(flushes).toHaveLength(3);
    releases[2]!();
    await turn();
    await turn();
    expect(flushes[3]).toEqual(['c2']);
    releases[3]!();
    expect(await Promise.all(answers)).toEqual(['A1', 'B1', 'A2', 'C1', 'B2', 'D1', 'C2', 'E1']);
    await pipeline.drain();
  });

  it('the half-size rule counts only free jobs, and maxBatch cuts the free jobs in queue order', async () => {
    const { flush, flushes, releases } = keyedFlush();
    const pipeline = new GroupCommit<string, string>({ flush, maxInFlight: 2, overlapAt: 1, maxBatch: 3, keyOf });
    const answers = ['a1', 'b1', 'c1'].map((j) => pipeline.submit(j));
    await turn();
    expect(flushes).toEqual([['a1', 'b1', 'c1']]);
    // Held jobs do not count towards half the running flush (2 of 3).
    answers.push(...['a2', 'b2', 'd1'].map((j) => pipeline.submit(j)));
    await turn();
    expect(flushes).toHaveLength(1);
    answers.push(...['e1', 'd2', 'f1', 'g1'].map((j) => pipeline.submit(j)));
    await turn();
    // Free: d1, e1, d2, f1, g1; the batch takes the first three of them.
    expect(flushes[1]).toEqual(['d1', 'e1', 'd2']);
    releases[0]!();
    await turn();
    await turn();
    // d is held by the second flush; a2, b2, f1 are free.
    expect(flushes[2]).toEqual(['a2', 'b2', 'f1']);
    releases[1]!();
    releases[2]!();
    await turn();
    await turn();
    expect(flushes[3]).toEqual(['g1']);
    releases[3]!();
    expect(await Promise.all(answers)).toEqual(['A1', 'B1', 'C1', 'A2', 'B2', 'D1', 'E1', 'D2', 'F1', 'G1']);
  });

  it('asks keyOf once per job: a submit while the queue is long and held does not scan it', async () => {
    const { flush, flushes, releases } = keyedFlush();
    let asked = 0;
    const pipeline = new GroupCommit<string, string>({ flush, maxInFlight: 2, overlapAt: 4, keyOf: (j) => (asked++, keyOf(j)) });
    const answers = [pipeline.submit('a0'), pipeline.submit('b0')];
    await turn();
    for (let n = 1; n <= 2_000; n++) answers.push(pipeline.submit(`${n % 2 ? 'a' : 'b'}${n}`));
    await turn();
    // Every waiting job's key is held: no second flush, and each key was computed once.
    expect(flushes).toHaveLength(1);
    expect(asked).toBe(2_002);
    answers.push(...['c1', 'd1', 'e1', 'f1'].map((j) => pipeline.submit(j)));
    await turn();
    expect(flushes[1]).toEqual(['c1', 'd1', 'e1', 'f1']);
    releases[0]!();
    releases[1]!();
    await turn();
    await turn();
    expect(flushes[2]).toHaveLength(1_000);
    releases[2]!();
    await turn();
    await turn();
    releases[3]!();
    expect(await Promise.all(answers)).toHaveLength(2_006);
    expect(asked).toBe(2_006);
  });

  it('under random load, flushes in flight never share a key and each key is flushed in submission order', async () => {
    const { flush, flushes, releases } = keyedFlush();
    const pipeline = new GroupCommit<string, string>({ flush, maxInFlight: 3, overlapAt: 1, maxBatch: 7, keyOf });
    let seed = 12345;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const running = new Set<number>();
    const released = new Set<number>();
    const counts = new Map<string, number>();
    const answers: Array<Promise<string>> = [];
    for (let step = 0; step < 400; step++) {
      for (let n = Math.floor(random() * 4); n > 0; n--) {
        const key = 'abcdefgh'[Math.floor(random() * 8)]!;
        const k = (counts.get(key) ?? 0) + 1;
        counts.set(key, k);
        answers.push(pipeline.submit(`${key}${k}`));
      }
      await turn();
      for (let i = 0; i < flushes.length; i++) if (!released.has(i)) running.add(i);
      // No key in two running flushes.
      const keys = [...running].flatMap((i) => [...new Set(flushes[i]!.map(keyOf))]);
      expect(new Set(keys).size).toBe(keys.length);
      if (running.size > 0 && random() < 0.5) {
        const pick = [...running][Math.floor(random() * running.size)]!;
        running.delete(pick);
        released.add(pick);
        releases[pick]!();
        await turn();
      }
    }
    while (released.size < flushes.length || pipeline.pending.queued > 0) {
      for (let i = 0; i < flushes.length; i++)
        if (!released.has(i)) {
          released.add(i);
          releases[i]!();
        }
      await turn();
      await turn();
    }
    await Promise.all(answers);
    expect(flushes.filter((f) => f.length > 1 && new Set(f.map(keyOf)).size > 1).length).toBeGreaterThan(0);
    // Per key, the jobs in flush order are 1, 2, 3…: submission order, each once.
    const seen = new Map<string, number[]>();
    for (const f of flushes) for (const j of f) seen.set(keyOf(j), [...(seen.get(keyOf(j)) ?? []), Number(j.slice(1))]);
    for (const [key, ns] of seen) expect(ns, key).toEqual(Array.from({ length: counts.get(key)! }, (_, i) => i + 1));
    expect(flushes.some((_, i) => i > 0)).toBe(true);
  });
});
