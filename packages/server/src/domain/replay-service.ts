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
 * polling clients read them over HTTP (001's fallback).
 */
export class ReplayService {
  constructor(private readonly db: Db) {}

  async page(viewer: ReplayViewer, since: number, limit = PAGE): Promise<LoggedEvent[]> {
    const rows = await new EventLogRepo(this.db).listVisible(viewer.accountId, since, { isStaff: viewer.isStaff, userId: viewer.userId }, limit);
    return rows.map(fromLogRow);
  }

  /** Whether `viewer` has more than `threshold` events to see after `since` (reads at most threshold + 1 rows). */
  async behindMoreThan(viewer: ReplayViewer, since: number, threshold: number): Promise<boolean> {
    const n = await new EventLogRepo(this.db).countVisible(viewer.accountId, since, { isStaff: viewer.isStaff, userId: viewer.userId }, threshold + 1);
    return n > threshold;
  }

  async lastSeq(accountId: string): Promise<number> {
    return new EventLogRepo(this.db).lastSeq(accountId);
  }
}
