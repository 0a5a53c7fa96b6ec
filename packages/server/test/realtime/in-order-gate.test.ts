import { describe, expect, it, vi } from 'vitest';

import type { LoggedEvent } from '../../src/domain/domain-event';
import { InOrderGate } from '../../src/realtime/in-order-gate';

const ev = (seq: number, prevSeq: number | null, accountId = 'a'): LoggedEvent => ({
  type: 'credits.updated',
  accountId,
  balance: 0,
  delta: 0,
  reason: 'x',
  seq,
  prevSeq,
  eventId: `e${seq}`,
  createdAt: new Date().toISOString(),
});

function gate(maxWaitMs = 1_000) {
  const out: number[] = [];
  const gaveUp: number[] = [];
  const g = new InOrderGate({
    emitted: (s) => out.includes(s),
    emit: (e) => out.push(e.seq),
    maxWaitMs,
    onGiveUp: (e) => gaveUp.push(e.seq),
  });
  return { g, out, gaveUp };
}

describe('in-order gate', () => {
  it("emits an account's events in log order when they arrive out of it, each once", () => {
    const { g, out } = gate();
    g.offer(ev(10, null));
    g.offer(ev(14, 12));
    g.offer(ev(12, 11));
    expect(out).toEqual([10]);
    expect(g.holds(12) && g.holds(14)).toBe(true);
    g.offer(ev(11, 10));
    expect(out).toEqual([10, 11, 12, 14]);
    g.offer(ev(12, 11));
    g.offer(ev(11, 10));
    expect(out).toEqual([10, 11, 12, 14]);
    expect(g.size).toBe(0);
  });

  it('does not hold one account back for another', () => {
    const { g, out } = gate();
    g.offer(ev(21, 20, 'a'));
    g.offer(ev(22, null, 'b'));
    g.offer(ev(23, 22, 'b'));
    expect(out).toEqual([22, 23]);
  });

  it('lets nothing wait for events written before the node started', () => {
    const { g, out } = gate();
    g.settleThrough(100);
    g.offer(ev(105, 99));
    expect(out).toEqual([105]);
  });

  it('gives up on a predecessor that never comes, after maxWaitMs', () => {
    vi.useFakeTimers();
    try {
      const { g, out, gaveUp } = gate(50);
      g.offer(ev(31, 30));
      g.offer(ev(32, 31));
      vi.advanceTimersByTime(49);
      expect(out).toEqual([]);
      vi.advanceTimersByTime(2);
      expect(out).toEqual([31, 32]);
      expect(gaveUp).toEqual([31]);
    } finally {
      vi.useRealTimers();
    }
  });
});
