import { describe, expect, it } from 'vitest';

import { TenantGate } from '../../src/cluster/tenant-gate';
import { AppError } from '../../src/errors';

/** A piece of work that runs until `finish` is called. */
function held() {
  let finish!: () => void;
  const done = new Promise<void>((resolve) => (finish = resolve));
  return { done, finish };
}

describe('tenant gate', () => {
  it("runs a tenant's work a few at a time, in order, while another tenant goes straight through", async () => {
    const gate = new TenantGate(2, 10);
    const started: number[] = [];
    const works = [0, 1, 2, 3].map(() => held());
    const runs = works.map((w, i) =>
      gate.run('loud', async () => {
        started.push(i);
        await w.done;
      }),
    );
    await new Promise((r) => setImmediate(r));
    expect(started).toEqual([0, 1]);
    // Another tenant is not queued behind the loud one.
    expect(await gate.run('quiet', () => 'ran')).toBe('ran');
    works[1]!.finish();
    await runs[1];
    await new Promise((r) => setImmediate(r));
    expect(started).toEqual([0, 1, 2]);
    for (const w of works) w.finish();
    await Promise.all(runs);
    expect(started).toEqual([0, 1, 2, 3]);
    expect(gate.size).toBe(0);
  });

  it('refuses with RATE_LIMITED once the queue is full, and frees the slot of work that failed', async () => {
    const gate = new TenantGate(1, 1);
    const first = held();
    const running = gate.run('t', () => first.done);
    const queued = gate.run('t', () => 'second');
    const err = await gate.run('t', () => 'third').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe('RATE_LIMITED');
    expect((err as AppError).details?.retryAfterMs).toBeGreaterThan(0);
    first.finish();
    await running;
    expect(await queued).toBe('second');
    await expect(gate.run('t', () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await gate.run('t', () => 'after a failure')).toBe('after a failure');
    expect(gate.size).toBe(0);
  });
});
