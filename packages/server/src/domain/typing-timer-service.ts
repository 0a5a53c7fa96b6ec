import type { z } from 'zod';

import { type Clock, type ClockTimer, systemClock } from '../clock';
import { MemoryTypingTimers, type TypingTimers } from '../cluster/typing-timers';

export interface TypingOptions {
  /** Where the timers live: memory for one node, Redis across nodes. Their deadlines should follow `clock`. */
  timers?: TypingTimers;
  /** Drives the sweep that stops expired typing. */
  clock?: Clock;
  /** Store failures; typing then still goes out, only without a shared timer. */
  onError?: (err: unknown) => void;
}

/** What differs between kinds of typing (in a conversation, on a ticket): the entry, its keys, its announcement. */
export interface TypingKind<E> {
  /** Checks an entry read back from the store, which another node (or version) may have written. */
  entry: z.ZodType<E>;
  /** One timer per subject and user. */
  key(e: E): string;
  /** Everything one user types, so that a closing socket stops all of it. */
  owner(e: E): string;
  announce(e: E, typing: boolean): void;
}

/**
 * Typing state with a timeout. A start with no new start within the timeout
 * stops by itself (5 s by default), so a closed tab never leaves someone "typing"
 * forever; with shared timers that holds even when the typist's node dies,
 * since any node's sweep takes the expired timer and announces the stop.
 * Never rejects: typing is a courtesy, and a store that is away must not turn
 * it into an error for the client.
 */
export class TypingTimerService<E> {
  private readonly timers: TypingTimers;
  private readonly clock: Clock;
  private readonly sweeper: ClockTimer;
  private sweeping = false;

  constructor(
    private readonly kind: TypingKind<E>,
    private readonly timeoutMs: number,
    private readonly opts: TypingOptions = {},
  ) {
    this.clock = opts.clock ?? systemClock;
    this.timers = opts.timers ?? new MemoryTypingTimers(() => this.clock.now());
    // A sweep a few times per timeout keeps the automatic stop within a quarter of it.
    this.sweeper = this.clock.setInterval(() => void this.sweep(), Math.max(20, Math.min(250, Math.floor(timeoutMs / 4))));
  }

  async start(e: E): Promise<void> {
    const isNew = await this.timers
      .arm(this.kind.key(e), this.kind.owner(e), JSON.stringify(e), this.timeoutMs)
      .catch((err) => this.failed(err, true));
    if (isNew) this.kind.announce(e, true);
  }

  async stop(e: E): Promise<void> {
    const was = await this.timers.disarm(this.kind.key(e), this.kind.owner(e)).catch((err) => this.failed(err, null));
    if (was !== null) this.kind.announce(e, false);
  }

  /**
   * Stops one timer known by its key alone, announcing the entry it was armed with (the caller
   * knows who and where, not the name and role the start carried).
   */
  async stopKey(key: string, owner: string): Promise<void> {
    const was = await this.timers.disarm(key, owner).catch((err) => this.failed(err, null));
    if (was !== null) this.announceStopped(was);
  }

  /** Stops everything `owner` (see `TypingKind.owner`) was typing. */
  async stopAll(owner: string): Promise<void> {
    const entries = await this.timers.disarmOwner(owner).catch((err) => this.failed(err, [] as string[]));
    for (const raw of entries) this.announceStopped(raw);
  }

  close(): void {
    this.clock.clearTimeout(this.sweeper);
  }

  /** Announces the stop of every timer that ran out, on whichever node takes it. */
  async sweep(): Promise<void> {
    if (this.sweeping) return;
    this.sweeping = true;
    try {
      for (const raw of await this.timers.takeExpired()) this.announceStopped(raw);
    } catch (err) {
      this.opts.onError?.(err);
    } finally {
      this.sweeping = false;
    }
  }

  private announceStopped(raw: string): void {
    let parsed: ReturnType<z.ZodType<E>['safeParse']>;
    try {
      parsed = this.kind.entry.safeParse(JSON.parse(raw));
    } catch {
      return;
    }
    if (parsed.success) this.kind.announce(parsed.data, false);
  }

  private failed<T>(err: unknown, fallback: T): T {
    this.opts.onError?.(err);
    return fallback;
  }
}
