import { performance } from 'node:perf_hooks';

import { percentile } from '../core/stats';
import { benchPayload } from './bench-payload';
import type { ClientPool } from './client-pool';
import { createHttpPoster } from './create-http-poster';
import type { FanoutResult, FanoutSpec } from './messages';

/**
 * One fan-out round. Keeps `inflight` broadcasts outstanding: a new one is
 * posted as soon as one has reached every client, so the server gets work as
 * fast as it absorbs it and never an unbounded queue. Deliveries are counted in
 * a window of `durationMs`; then outstanding broadcasts drain and every one the
 * server accepted is checked for its full count of deliveries.
 */
export async function runFanoutRound(pool: ClientPool, spec: FanoutSpec, mark: (phase: 'start' | 'end') => void): Promise<FanoutResult> {
  const tracker = pool.tracker;
  const poster = createHttpPoster(spec.url, spec.headers, spec.inflight);
  const inflight = new Map<number, number>(); // seq -> posted at (ms)
  const accepted: number[] = [];
  const sentSeqs: number[] = [];
  const completions: number[] = [];
  let sent = 0;
  let httpErrors = 0;
  let stalled = 0;
  let firing = true;
  let windowOpen = false;
  let completedInWindow = 0;
  let drained: () => void = () => {};
  const dropsBefore = pool.drops;
  const duplicatesBefore = tracker.duplicates;

  const settle = (seq: number) => {
    inflight.delete(seq);
    if (firing) fire();
    else if (inflight.size === 0) drained();
  };

  const fire = () => {
    if (httpErrors > 50) firing = false;
    if (!firing) return;
    const seq = tracker.allocate();
    const body = JSON.stringify({ ...spec.envelope, payload: benchPayload(seq, spec.payloadBytes) });
    inflight.set(seq, performance.now());
    sentSeqs.push(seq);
    sent++;
    poster.post(body).then(
      (status) => {
        if (status >= 200 && status < 300) accepted.push(seq);
        else failPost(seq);
      },
      () => failPost(seq),
    );
  };

  const failPost = (seq: number) => {
    httpErrors++;
    if (inflight.has(seq)) setTimeout(() => settle(seq), 10);
  };

  tracker.onComplete = (seq) => {
    const postedAt = inflight.get(seq);
    if (postedAt === undefined) return;
    completions.push(performance.now() - postedAt);
    if (windowOpen) completedInWindow++;
    settle(seq);
  };

  const stallTimer = setInterval(() => {
    const now = performance.now();
    for (const [seq, postedAt] of inflight) {
      if (now - postedAt < spec.stallMs) break; // Map keeps posting order: the oldest comes first
      stalled++;
      settle(seq);
    }
  }, 100);

  if (spec.marks) mark('start');
  const deliveredBefore = tracker.total;
  const t0 = performance.now();
  windowOpen = true;
  for (let i = 0; i < spec.inflight; i++) fire();

  await new Promise((resolve) => setTimeout(resolve, spec.durationMs));
  const t1 = performance.now();
  const delivered = tracker.total - deliveredBefore;
  windowOpen = false;
  firing = false;
  if (spec.marks) mark('end');

  if (inflight.size > 0) {
    await new Promise<void>((resolve) => {
      drained = resolve;
      setTimeout(resolve, spec.drainMs);
    });
  }
  clearInterval(stallTimer);
  // Let POST replies and the last frames already on the wire land.
  await new Promise((resolve) => setTimeout(resolve, 50));
  tracker.onComplete = () => {};
  poster.close();

  let lost = 0;
  for (const seq of accepted) lost += tracker.clients - tracker.count(seq);
  tracker.forget(sentSeqs);
  const seconds = (t1 - t0) / 1000;
  return {
    label: spec.label,
    clients: tracker.clients,
    elapsedMs: t1 - t0,
    deliveries: delivered,
    deliveriesPerSec: delivered / seconds,
    broadcastsPerSec: completedInWindow / seconds,
    broadcastsSent: sent,
    httpErrors,
    lost,
    duplicates: tracker.duplicates - duplicatesBefore,
    stalled,
    completionP50Ms: percentile(completions, 50),
    completionP99Ms: percentile(completions, 99),
    disconnects: pool.drops - dropsBefore,
  };
}
