import { AppError } from '../errors';
import { type GcraCharge, type GcraStore, MemoryGcraStore } from './gcra-store';
import type { RateLimitSubject } from './rate-limiter';

/**
 * What replay may cost one socket and its user: points are events read from the log, so a replay
 * is paid for by its size, not by the count of `sync` calls. Apart from the per-event limiter
 * (cluster/rate-limiter.ts), which charges each `sync` as one event; both ride the same GCRA store
 * (memory on one node, one Redis script across nodes).
 */
export interface ReplayBudget {
  /** Takes `events` points from the socket's and its user's budget; RATE_LIMITED with `retryAfterMs` when short. */
  consume(subject: RateLimitSubject, events: number): Promise<void>;
  /** Gives back what a page asked for and did not read. */
  refund(subject: RateLimitSubject, events: number): Promise<void>;
}

export interface ReplayBudgetOptions {
  /** Events per socket per window; a user gets twice that across its sockets. */
  events: number;
  windowSeconds: number;
}

export function createReplayBudget(opts: ReplayBudgetOptions, store: GcraStore = new MemoryGcraStore()): ReplayBudget {
  const windowMs = opts.windowSeconds * 1000;
  // A whole window's worth may be spent at once: a replay reads its pages back to back.
  const charges = (subject: RateLimitSubject, cost: number): GcraCharge[] => {
    const out: GcraCharge[] = [];
    if (subject.id) out.push({ key: `rl:replay:socket:${subject.id}`, intervalMs: windowMs / opts.events, burst: opts.events, cost });
    const { accountId, userId } = subject.data;
    if (userId)
      out.push({
        key: `rl:replay:user:${accountId ?? ''}:${userId}`,
        intervalMs: windowMs / (opts.events * 2),
        burst: opts.events * 2,
        cost,
      });
    return out;
  };
  return {
    async consume(subject, events) {
      if (events <= 0) return;
      const verdict = await store.take(charges(subject, events));
      if (!verdict.ok) {
        const details = { retryAfterMs: verdict.retryAfterMs, limit: opts.events, windowSeconds: opts.windowSeconds };
        throw new AppError('RATE_LIMITED', 'Replay budget spent; continue later', details);
      }
    },
    async refund(subject, events) {
      if (events <= 0) return;
      // A negative charge moves each budget's refill time back: it never fits worse, so it always applies.
      await store.take(charges(subject, -events));
    },
  };
}
