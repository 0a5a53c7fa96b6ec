import type { Queryable } from '../storage/db';
import { newId } from '../storage/ids';
import { type AppendEventInput, EventLogRepo } from '../storage/repos/event-log';
import { appendEvents } from '../storage/repos/event-log-batch';
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
    const row = await repo.append(toAppendInput(e));
    out.push({ ...e, seq: row.seq, eventId: row.id, createdAt: row.createdAt, prevSeq: row.prevSeq });
  }
  return out;
}

/**
 * Like {@link logEvents} for many events of many accounts in one statement, whatever their number:
 * the write pipeline's flush. Each account's events keep the order given.
 */
export async function logEventsBatch(tx: Queryable, events: readonly DomainEvent[]): Promise<LoggedEvent[]> {
  const rows = await appendEvents(tx, events.map(toAppendInput));
  return events.map((e, i) => {
    const row = rows[i]!;
    return { ...e, seq: row.seq, eventId: row.id, createdAt: row.createdAt, prevSeq: row.prevSeq };
  });
}

function toAppendInput(e: DomainEvent): AppendEventInput {
  const audience = audienceOf(e);
  return {
    id: newId(),
    accountId: e.accountId,
    type: e.type,
    audience: audience.kind,
    conversationId: audience.kind === 'conversation' ? audience.conversationId : null,
    userId: audience.kind === 'user' ? audience.userId : null,
    data: e,
  };
}

/** Rebuilds a logged event from its stored row. */
export function fromLogRow(row: { seq: number; prevSeq?: number | null; id: string; createdAt: string; data: unknown }): LoggedEvent {
  return { ...(row.data as DomainEvent), seq: row.seq, eventId: row.id, createdAt: row.createdAt, prevSeq: row.prevSeq ?? null };
}
