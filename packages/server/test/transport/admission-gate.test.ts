import { afterEach, describe, expect, it, vi } from 'vitest';

import { AdmissionGate } from '../../src/transport/admission-gate';

describe('AdmissionGate', () => {
  // The rate is measured per second by the gate's own timer: fake time moves it without waiting.
  afterEach(() => vi.useRealTimers());

  it('admits up to maxPending while the rate of completed handshakes is unknown', () => {
    const gate = new AdmissionGate({ maxPending: 20, maxLagMs: 0, maxQueueMs: 1_000 });
    try {
      const answers = Array.from({ length: 25 }, () => gate.tryEnter());
      expect(answers.filter((a) => a.admitted)).toHaveLength(20);
      for (const refused of answers.slice(20)) expect(refused).toMatchObject({ admitted: false, retryAfterMs: expect.any(Number) });
    } finally {
      gate.close();
    }
  });

  it('once the rate is measured, admits no more than complete within maxQueueMs and tells the rest when to come back', () => {
    vi.useFakeTimers();
    const gate = new AdmissionGate({ maxPending: 256, maxLagMs: 0, maxQueueMs: 1_000 });
    try {
      // 12 handshakes complete within the first second: the node serves about 12 a second.
      for (let i = 0; i < 12; i++) expect(gate.tryEnter().admitted).toBe(true);
      for (let i = 0; i < 12; i++) gate.leave();
      vi.advanceTimersByTime(1_100);
      const answers = Array.from({ length: 40 }, () => gate.tryEnter());
      // What completes in a second at ~12/s, not 256 that would wait twenty seconds.
      expect(answers.filter((a) => a.admitted)).toHaveLength(12);
      const refused = answers.filter((a): a is { admitted: false; retryAfterMs: number } => !a.admitted);
      expect(refused).toHaveLength(28);
      // Come back when the queue has drained: about 13 / 12 per second, at least the floor of 250 ms.
      for (const r of refused) expect(r.retryAfterMs).toBeGreaterThanOrEqual(250);
      for (const r of refused) expect(r.retryAfterMs).toBeLessThanOrEqual(2_000);
    } finally {
      gate.close();
    }
  });

  it('keeps the peak rate through a quiet second, so the next storm is not held to a trickle', () => {
    vi.useFakeTimers();
    const gate = new AdmissionGate({ maxPending: 256, maxLagMs: 0, maxQueueMs: 1_000 });
    try {
      for (let i = 0; i < 30; i++) gate.tryEnter();
      for (let i = 0; i < 30; i++) gate.leave();
      // One busy second, then a quiet one: the smoothed rate halves, the node's capacity did not.
      vi.advanceTimersByTime(2_100);
      const answers = Array.from({ length: 40 }, () => gate.tryEnter());
      expect(answers.filter((a) => a.admitted).length).toBeGreaterThanOrEqual(28);
    } finally {
      gate.close();
    }
  });
});
