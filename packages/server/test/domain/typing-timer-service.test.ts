import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';

import { TypingTimerService } from '../../src/domain/typing-timer-service';

const Entry = z.object({ who: z.string(), where: z.string() });
type Entry = z.infer<typeof Entry>;

const TIMEOUT = 5_000;
/** The sweep runs every quarter of the timeout, at most every 250 ms: how late an automatic stop may come. */
const SWEEP = 250;

/** Typing's automatic stop on vitest's fake time, with the in-memory timers (their deadlines follow the same fake time). */
describe('TypingTimerService', () => {
  let heard: string[];
  let typing: TypingTimerService<Entry>;
  const start = Date.UTC(2026, 0, 1, 9, 0, 0);
  const at = () => Date.now() - start;

  beforeEach(() => {
    vi.useFakeTimers({ now: start });
    heard = [];
    typing = new TypingTimerService<Entry>(
      {
        entry: Entry,
        key: (e) => `${e.where}/${e.who}`,
        owner: (e) => e.who,
        announce: (e, on) => heard.push(`${e.who} ${on ? 'typing' : 'stopped'} in ${e.where} @${at()}`),
      },
      TIMEOUT,
    );
  });
  afterEach(() => {
    typing.close();
    vi.useRealTimers();
  });

  const ann = { who: 'ann', where: 'c1' };

  it('stops by itself once the timeout passes without a new start, not before', async () => {
    await typing.start(ann);
    await vi.advanceTimersByTimeAsync(TIMEOUT - 1);
    expect(heard).toEqual(['ann typing in c1 @0']);
    await vi.advanceTimersByTimeAsync(SWEEP + 1);
    expect(heard).toEqual(['ann typing in c1 @0', 'ann stopped in c1 @5000']);
    await vi.advanceTimersByTimeAsync(10 * TIMEOUT);
    expect(heard).toHaveLength(2);
  });

  it('counts the timeout from the latest start, announcing the start once', async () => {
    await typing.start(ann);
    await vi.advanceTimersByTimeAsync(4_000);
    await typing.start(ann);
    await vi.advanceTimersByTimeAsync(TIMEOUT - 1);
    expect(heard).toEqual(['ann typing in c1 @0']);
    await vi.advanceTimersByTimeAsync(SWEEP + 1);
    expect(heard).toEqual(['ann typing in c1 @0', 'ann stopped in c1 @9000']);
  });

  it('announces an explicit stop at once and then nothing when the timeout passes', async () => {
    await typing.start(ann);
    await typing.start({ who: 'ann', where: 'c2' });
    await vi.advanceTimersByTimeAsync(1_000);
    await typing.stop(ann);
    await typing.stopAll('ann');
    expect(heard).toEqual(['ann typing in c1 @0', 'ann typing in c2 @0', 'ann stopped in c1 @1000', 'ann stopped in c2 @1000']);
    await vi.advanceTimersByTimeAsync(2 * TIMEOUT);
    expect(heard).toHaveLength(4);
  });
});
