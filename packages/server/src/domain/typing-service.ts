import { z } from 'zod';
import { Role } from '@switchboard/protocol';
import { MemoryTypingTimers, type TypingTimers } from '../cluster/typing-timers';
import type { Publisher } from './publisher';

export interface Typist {
  accountId: string;
  userId: string;
  name: string | null;
  role: Role;
}

export interface TypingOptions {
  /** Where the timers live: memory for one node, Redis across nodes. */
  timers?: TypingTimers;
  /** Store failures; typing then still goes out, only without a shared timer. */
  onError?: (err: unknown) => void;
}

const Entry = z.object({
  accountId: z.string(),
  userId: z.string(),
  name: z.string().nullable(),
  role: Role,
  conversationId: z.string(),
});

/**
 * Typing state per conversation and user. A start with no new start within the
 * timeout stops by itself (002: 5 s), so a closed tab never leaves someone
 * "typing" forever; with shared timers that holds even when the typist's node
 * dies, since any node's sweep takes the expired timer and announces the stop.
 * Never rejects: typing is a courtesy, and a store that is away must not turn
 * it into an error for the client.
 */
export class TypingService {
  private readonly timers: TypingTimers;
  private readonly sweeper: NodeJS.Timeout;
  private sweeping = false;

  constructor(
    private readonly publisher: Publisher,
    private readonly timeoutMs: number,
    private readonly opts: TypingOptions = {},
  ) {
    this.timers = opts.timers ?? new MemoryTypingTimers();
    // A sweep a few times per timeout keeps the automatic stop within a quarter of it.
    this.sweeper = setInterval(() => void this.sweep(), Math.max(20, Math.min(250, Math.floor(timeoutMs / 4))));
    this.sweeper.unref();
  }

  async start(who: Typist, conversationId: string): Promise<void> {
    const entry = { accountId: who.accountId, userId: who.userId, name: who.name, role: who.role, conversationId };
    const isNew = await this.timers.arm(keyOf(who, conversationId), ownerOf(who), JSON.stringify(entry), this.timeoutMs).catch((err) => this.failed(err, true));
    if (isNew) this.emit(who, conversationId, true);
  }

  async stop(who: Typist, conversationId: string): Promise<void> {
    const was = await this.timers.disarm(keyOf(who, conversationId), ownerOf(who)).catch((err) => this.failed(err, null));
    if (was !== null) this.emit(who, conversationId, false);
  }

  /** Everything a user was typing stops when its socket goes. */
  async stopAll(who: Typist): Promise<void> {
    const entries = await this.timers.disarmOwner(ownerOf(who)).catch((err) => this.failed(err, [] as string[]));
    for (const raw of entries) {
      const e = parse(raw);
      if (e) this.emit(who, e.conversationId, false);
    }
  }

  close(): void {
    clearInterval(this.sweeper);
  }

  /** Announces the stop of every timer that ran out, on whichever node takes it. */
  async sweep(): Promise<void> {
    if (this.sweeping) return;
    this.sweeping = true;
    try {
      for (const raw of await this.timers.takeExpired()) {
        const e = parse(raw);
        if (e) this.emit(e, e.conversationId, false);
      }
    } catch (err) {
      this.opts.onError?.(err);
    } finally {
      this.sweeping = false;
    }
  }

  private failed<T>(err: unknown, fallback: T): T {
    this.opts.onError?.(err);
    return fallback;
  }

  private emit(who: Typist, conversationId: string, typing: boolean): void {
    this.publisher.signal({ type: 'typing', accountId: who.accountId, conversationId, userId: who.userId, name: who.name, role: who.role, typing });
  }
}

const keyOf = (who: Typist, conversationId: string) => `${who.accountId}\u0000${conversationId}\u0000${who.userId}`;
const ownerOf = (who: Typist) => `${who.accountId}\u0000${who.userId}`;

function parse(raw: string): z.infer<typeof Entry> | null {
  try {
    const parsed = Entry.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
