import { randomUUID } from 'node:crypto';
import type { Queryable } from '../storage/db';
import { EventLogRepo } from '../storage/repos/event-log';
import { audienceOf, type DomainEvent, type LoggedEvent } from './domain-event';

/**
 * Writes facts to the event log inside the caller's transaction, so a fact is
 * logged if and only if the change it describes is committed. Returns them with
 * their seq, to publish after the commit.
 */
export async function logEvents(tx: Queryable, events: DomainEvent[]): Promise<LoggedEvent[]> {
  const repo = new EventLogRepo(tx);
  const out: LoggedEvent[] = [];
  for (const e of events) {
    const audience = audienceOf(e);
    const row = await repo.append({
      id: randomUUID(),
      accountId: e.accountId,
      type: e.type,
      audience: audience.kind,
      conversationId: audience.kind === 'conversation' ? audience.conversationId : null,
      userId: audience.kind === 'user' ? audience.userId : null,
      data: e,
    });
    out.push({ ...e, seq: row.seq, eventId: row.id, createdAt: row.createdAt, prevSeq: row.prevSeq });
  }
  return out;
}

/** Rebuilds a logged event from its stored row. */
export function fromLogRow(row: { seq: number; prevSeq?: number | null; id: string; createdAt: string; data: unknown }): LoggedEvent {
  return { ...(row.data as DomainEvent), seq: row.seq, eventId: row.id, createdAt: row.createdAt, prevSeq: row.prevSeq ?? null };
}
