import { describe, expect, it, vi } from 'vitest';

import type { LoggedEvent } from '../../src/domain/domain-event';
import { InOrderGate } from '../../src/realtime/in-order-gate';
import { PublishLedger } from '../../src/realtime/publish-ledger';

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

/** A gate, and `out`: every seq it let out, by answer or on a timer, in order. */
function gate(maxWaitMs = 1_000) {
  const out: number[] = [];
  const gaveUp: number[] = [];
  const ledger = new PublishLedger();
  const g = new InOrderGate({
    ledger,
    maxWaitMs,
    onOverdue: (due, gaveUpOn) => {
      gaveUp.push(gaveUpOn.seq);
      out.push(...due.map((e) => e.seq));
    },
  });
  const offer = (e: LoggedEvent) => out.push(...g.offer(e).map((d) => d.seq));
  return { g, offer, ledger, out, gaveUp };
}

describe('in-order gate', () => {
  it('answers with the events due now, in log order, each recorded in the ledger once', () => {
    const { g, ledger } = gate();
    expect(g.offer(ev(41, 40)).map((e) => e.seq)).toEqual([]);
    expect(g.offer(ev(40, null)).map((e) => e.seq)).toEqual([40, 41]);
    expect(ledger.has(40) && ledger.has(41)).toBe(true);
    expect(ledger.positionOf(41)).toBe(ledger.position());
    expect(g.offer(ev(41, 40))).toEqual([]);
  });

  it("emits an account's events in log order when they arrive out of it, each once", () => {
    const { g, offer, out } = gate();
    offer(ev(10, null));
    offer(ev(14, 12));
    offer(ev(12, 11));
    expect(out).toEqual([10]);
    expect(g.holds(12) && g.holds(14)).toBe(true);
    offer(ev(11, 10));
    expect(out).toEqual([10, 11, 12, 14]);
    offer(ev(12, 11));
    offer(ev(11, 10));
    expect(out).toEqual([10, 11, 12, 14]);
    expect(g.size).toBe(0);
  });

  it('does not hold one account back for another', () => {
    const { offer, out } = gate();
    offer(ev(21, 20, 'a'));
    offer(ev(22, null, 'b'));
    offer(ev(23, 22, 'b'));
    expect(out).toEqual([22, 23]);
  });

  it('lets nothing wait for events written before the node started', () => {
    const { g, offer, out } = gate();
    g.settleThrough(100);
    offer(ev(105, 99));
    expect(out).toEqual([105]);
  });

  it('gives up on a predecessor that never comes, after maxWaitMs', () => {
    vi.useFakeTimers();
    try {
      const { offer, out, gaveUp } = gate(50);
      offer(ev(31, 30));
      offer(ev(32, 31));
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
