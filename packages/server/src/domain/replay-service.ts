import type { Db } from '../storage/db';
import { EventLogRepo } from '../storage/repos/event-log';
import type { LoggedEvent } from './domain-event';
import { fromLogRow } from './event-log';

export interface ReplayViewer {
  accountId: string;
  userId: string;
  isStaff: boolean;
}

const PAGE = 500;

/**
 * Reads the event log for one viewer, a page at a time: the events it may see
 * after `since`, in order. Sockets replay these on reconnect (realtime/replay-to-socket.ts);
 * polling clients read them over HTTP (the polling fallback).
 */
export class ReplayService {
  /** Per account: the last seq this node emitted (or read, when it first needed it). */
  private readonly heads = new Map<string, number>();

  constructor(private readonly db: Db) {}

  async page(viewer: ReplayViewer, since: number, limit = PAGE): Promise<LoggedEvent[]> {
    const rows = await new EventLogRepo(this.db).listVisible(
      viewer.accountId,
      since,
      { isStaff: viewer.isStaff, userId: viewer.userId },
      limit,
    );
    return rows.map(fromLogRow);
  }

  /** Whether `viewer` has more than `threshold` events to see after `since` (reads at most threshold + 1 rows). */
  async behindMoreThan(viewer: ReplayViewer, since: number, threshold: number): Promise<boolean> {
    const n = await new EventLogRepo(this.db).countVisible(
      viewer.accountId,
      since,
      { isStaff: viewer.isStaff, userId: viewer.userId },
      threshold + 1,
    );
    return n > threshold;
  }

  /**
   * The account's last event this node emitted: what a new socket hears live after. Read from the
   * log once per account, then kept from what this node emits ({@link noteEmitted}), so a
   * handshake costs no query.
   */
  async lastSeq(accountId: string): Promise<number> {
    const known = this.heads.get(accountId);
    if (known !== undefined) return known;
    const read = await new EventLogRepo(this.db).lastSeq(accountId);
    this.noteEmitted(accountId, read);
    return this.heads.get(accountId) ?? read;
  }

  noteEmitted(accountId: string, seq: number): void {
    const known = this.heads.get(accountId);
    if (known === undefined || seq > known) this.heads.set(accountId, seq);
  }
}
