import { describe, expect, it } from 'vitest';

import { DeadlineSchedule } from '../../src/transport/deadline-schedule';
import { until } from '../support/events';

describe('DeadlineSchedule', () => {
  it('fires each item once, never before its deadline, in deadline order', async () => {
    const fired: Array<{ name: string; at: number }> = [];
    const schedule = new DeadlineSchedule<{ name: string }>((item) => fired.push({ name: item.name, at: Date.now() }), 20);
    const start = Date.now();
    const deadlines = { late: start + 120, early: start + 40, middle: start + 80 };
    for (const [name, at] of Object.entries(deadlines)) schedule.add({ name }, at);
    await until(() => fired.length === 3, 2_000, 'three deadlines');
    expect(fired.map((f) => f.name)).toEqual(['early', 'middle', 'late']);
    for (const f of fired) expect(f.at).toBeGreaterThanOrEqual(deadlines[f.name as keyof typeof deadlines]);
    expect(schedule.size).toBe(0);
  });

  it('forgets a removed item and moves one added again', async () => {
    const fired: string[] = [];
    const schedule = new DeadlineSchedule<{ name: string }>((item) => fired.push(item.name), 10);
    const removed = { name: 'removed' };
    const moved = { name: 'moved' };
    schedule.add(removed, Date.now() + 30);
    schedule.add(moved, Date.now() + 30);
    schedule.remove(removed);
    schedule.add(moved, Date.now() + 90);
    schedule.add({ name: 'marker' }, Date.now() + 60);
    await until(() => fired.includes('marker'), 2_000, 'the marker');
    expect(fired).toEqual(['marker']);
    await until(() => fired.includes('moved'), 2_000, 'the moved item');
    expect(fired).toEqual(['marker', 'moved']);
  });
});
