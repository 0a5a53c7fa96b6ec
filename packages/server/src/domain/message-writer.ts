import type { Conversation, MessageRole } from '@switchboard/protocol';

import type { Actor } from '../access/policy';
import { forbidden, invalid, notFound } from '../errors';
import type { Db, TransactionTimings } from '../storage/db';
import { ConversationsRepo } from '../storage/repos/conversations';
import { appendMessages, type BatchMessageInput, type BatchMessageOutcome } from '../storage/repos/message-batch';
import { flushMessages } from '../storage/repos/message-flush';
import { StorageError } from '../storage/storage-error';
import type { DomainEvent, LoggedEvent } from './domain-event';
import { logEventsBatch } from './event-log';
import type { Settled } from './group-commit';
import type { SendInput, SendResult } from './message-service';
import type { Publisher } from './publisher';

/** One send waiting in the write pipeline; the sender's right to read was not checked yet (the write decides it). */
export interface SendJob {
  actor: Actor;
  input: SendInput;
  role: MessageRole;
  /** performance.now() when the send entered the pipeline, for {@link FlushPhases.queuedMs}. */
  submittedAt?: number;
}

/**
 * Where one flush's wall time went (docs/decisions.md, "PostgreSQL stalls"), in ms. `queuedMs`: the
 * oldest send's wait from entering the pipeline to the flush's start; `startMs`: a connection (or
 * PGlite's lock) and BEGIN; `messagesMs` and `eventsMs`: the two statements as the node saw them
 * (round trip, waits for locks included); `commitMs`: COMMIT (WAL flush); `publishMs`: handing the
 * events to the broadcaster; `totalMs`: start of the flush to its end, queue excluded. A flush in one
 * statement (the default) has it all in `messagesMs` (connection, locks, statement and commit) and
 * 0 in `startMs`, `eventsMs` and `commitMs`. With a retried batch (`attempts` > 1) the transaction's
 * figures are the last attempt's.
 */
export interface FlushPhases {
  sends: number;
  attempts: number;
  queuedMs: number;
  startMs: number;
  messagesMs: number;
  eventsMs: number;
  commitMs: number;
  publishMs: number;
  totalMs: number;
}

/** What a flush learnt about a conversation's access facts, for the node's cache. */
export type AccessFact =
  { accountId: string; conversationId: string; contactId: string | null } | { accountId: string; conversationId: string; gone: true };

/** Attempts of a batch that lost a deadlock or serialisation race to another node's transaction. */
const RACE_ATTEMPTS = 3;

/**
 * The write pipeline's flush for messages: one transaction for the whole batch, with the messages,
 * their conversations' updates and audit rows in one statement and their log events in one
 * (storage/repos/message-batch.ts, event-log-batch.ts), then the events published in log order.
 *
 * Outcomes are per send. Two sends with one idempotency key are written once and both answered with
 * the stored message; a send whose conversation is gone or not the sender's fails alone. A batch
 * the database refuses as a whole (a value it cannot store) is rolled back and written again send
 * by send, so only the send at fault fails.
 */
export class MessageWriter {
  constructor(
    private readonly db: Db,
    private readonly publisher: Publisher,
    private readonly onFacts: (facts: AccessFact[]) => void = () => {},
    /** Tests only: a pause after the commit, before answers and broadcasts (a node killed in between). */
    private readonly ackDelayMs = 0,
    /** Told after each flush where its time went (metrics, the slow-flush log). */
    private readonly onPhases?: (phases: FlushPhases) => void,
    /**
     * `statement`: a flush is one statement, its own transaction (storage/repos/message-flush.ts),
     * falling back to `transaction` for a batch that reopens a conversation; `transaction`: BEGIN,
     * the messages statement, the events statement, COMMIT. The second is kept for comparisons
     * (bench/tools/flush-cost.ts) and as the reopening path.
     */
    private readonly form: 'statement' | 'transaction' = 'statement',
  ) {}

  readonly flush = async (jobs: SendJob[]): Promise<Array<Settled<SendResult>>> => {
    const started = performance.now();
    let oldest = started;
    for (const job of jobs) if (job.submittedAt !== undefined && job.submittedAt < oldest) oldest = job.submittedAt;
    const phases: FlushPhases = {
      sends: jobs.length,
      attempts: 0,
      queuedMs: started - oldest,
      startMs: 0,
      messagesMs: 0,
      eventsMs: 0,
      commitMs: 0,
      publishMs: 0,
      totalMs: 0,
    };
    // Later sends with a key already in the batch get the first one's answer (a retry inside one flush).
    const firstOf = new Map<string, number>();
    const leaders: number[] = [];
    const follows = jobs.map((job, n) => {
      const keys = idempotencyKeys(job);
      const earlier = keys.map((k) => firstOf.get(k)).find((i) => i !== undefined);
      if (earlier !== undefined) return earlier;
      for (const k of keys) firstOf.set(k, n);
      leaders.push(n);
      return n;
    });

    const answers = new Map<number, Settled<SendResult>>();
    let batch: Awaited<ReturnType<MessageWriter['write']>>;
    try {
      batch = await this.writeRacing(
        leaders.map((n) => jobs[n]!),
        phases,
      );
    } catch (err) {
      if (!isWholeBatchRefusal(err)) throw err;
      batch = { outcomes: [], logged: [] };
      if (leaders.length === 1) batch.outcomes.push({ ok: false, error: asSendError(err) });
      else
        for (const n of leaders) {
          try {
            const one = await this.writeRacing([jobs[n]!], phases);
            batch.outcomes.push(one.outcomes[0]!);
            batch.logged.push(...one.logged);
          } catch (oneErr) {
            batch.outcomes.push({ ok: false, error: asSendError(oneErr) });
          }
        }
    }
    leaders.forEach((n, k) => answers.set(n, batch.outcomes[k]!));
    if (this.ackDelayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.ackDelayMs));
    const publishing = performance.now();
    for (const e of batch.logged) this.publisher.publish(e);
    if (this.onPhases) {
      const done = performance.now();
      phases.publishMs = done - publishing;
      phases.totalMs = done - started;
      this.onPhases(phases);
    }
    return jobs.map((_, n) => {
      const leader = follows[n]!;
      const answer = answers.get(leader)!;
      if (leader === n || !answer.ok) return answer;
      return { ok: true, value: { message: answer.value.message, created: false } };
    });
  };

  private async writeRacing(jobs: SendJob[], phases: FlushPhases): ReturnType<MessageWriter['write']> {
    for (let attempt = 1; ; attempt++) {
      try {
        phases.attempts++;
        return await this.write(jobs, phases);
      } catch (err) {
        const raced = err instanceof StorageError && (err.kind === 'deadlock' || err.kind === 'serialization_failure');
        if (!raced || attempt >= RACE_ATTEMPTS) throw err;
      }
    }
  }

  private async write(jobs: SendJob[], phases: FlushPhases): Promise<{ outcomes: Array<Settled<SendResult>>; logged: LoggedEvent[] }> {
    if (this.form === 'statement') {
      const done = await this.writeOneStatement(jobs, phases);
      if (done) return done;
    }
    return this.writeTransaction(jobs, phases);
  }

  /**
   * The flush as one statement (docs/decisions.md, "PostgreSQL: a flush in one statement"); null
   * when nothing was written because a customer's message would reopen a resolved conversation.
   */
  private async writeOneStatement(
    jobs: SendJob[],
    phases: FlushPhases,
  ): Promise<{ outcomes: Array<Settled<SendResult>>; logged: LoggedEvent[] } | null> {
    const mark = performance.now();
    const result = await flushMessages(this.db, jobs.map(toBatchInput));
    phases.messagesMs = performance.now() - mark;
    phases.startMs = 0;
    phases.eventsMs = 0;
    phases.commitMs = 0;
    if (result.reopen) return null;
    const facts: AccessFact[] = [];
    const outcomes: Array<Settled<SendResult>> = [];
    const logged: LoggedEvent[] = [];
    result.outcomes.forEach((outcome, n) => {
      const job = jobs[n]!;
      const { accountId } = job.actor;
      const conversationId = job.input.conversationId;
      if (outcome.kind === 'not_found' || outcome.kind === 'forbidden') {
        outcomes.push(refused(outcome, accountId, conversationId, facts));
      } else if (outcome.kind === 'duplicate') {
        outcomes.push({ ok: true, value: { message: outcome.message, created: false } });
      } else {
        const { message, conversation, ticketed } = outcome;
        const row = result.events[n]!;
        facts.push({ accountId, conversationId, contactId: conversation.contactId });
        logged.push({
          type: 'message.created',
          accountId,
          conversation,
          message,
          ticketed,
          seq: row.seq,
          eventId: row.id,
          createdAt: row.createdAt,
          prevSeq: row.prevSeq,
        });
        outcomes.push({ ok: true, value: { message, created: true } });
      }
    });
    this.onFacts(facts);
    return { outcomes, logged };
  }

  private async writeTransaction(
    jobs: SendJob[],
    phases: FlushPhases,
  ): Promise<{ outcomes: Array<Settled<SendResult>>; logged: LoggedEvent[] }> {
    const facts: AccessFact[] = [];
    const timings: TransactionTimings = { startMs: 0, commitMs: 0 };
    const result = await this.db.transaction(async (tx) => {
      let mark = performance.now();
      const stored = await appendMessages(tx, jobs.map(toBatchInput));
      phases.messagesMs = performance.now() - mark;
      const events: DomainEvent[] = [];
      const current = new Map<string, Conversation>();
      const outcomes: Array<Settled<SendResult>> = [];
      for (const [n, outcome] of stored.entries()) {
        const job = jobs[n]!;
        const { accountId } = job.actor;
        const conversationId = job.input.conversationId;
        if (outcome.kind === 'not_found' || outcome.kind === 'forbidden') {
          outcomes.push(refused(outcome, accountId, conversationId, facts));
          continue;
        }
        if (outcome.kind === 'duplicate') {
          outcomes.push({ ok: true, value: { message: outcome.message, created: false } });
          continue;
        }
        const { message, ticketed } = outcome;
        facts.push({ accountId, conversationId, contactId: outcome.conversation.contactId });
        const reopened = current.get(conversationId);
        let conversation: Conversation = reopened ? { ...reopened, lastMessageAt: message.createdAt } : outcome.conversation;
        const follow: DomainEvent[] = [];
        // A customer writing into a resolved conversation reopens it.
        if (job.role === 'USER' && conversation.status === 'RESOLVED') {
          const changed = await new ConversationsRepo(tx).updateStatus(accountId, conversationId, 'OPEN');
          if (changed) {
            conversation = { ...changed.conversation, lastMessageAt: message.createdAt };
            current.set(conversationId, changed.conversation);
            follow.push({
              type: 'conversation.status_changed',
              accountId,
              conversation,
              previousStatus: changed.previousStatus,
              by: job.actor.userId,
            });
          }
        }
        events.push({ type: 'message.created', accountId, conversation, message, ticketed }, ...follow);
        outcomes.push({ ok: true, value: { message, created: true } });
      }
      mark = performance.now();
      const logged = await logEventsBatch(tx, events);
      phases.eventsMs = performance.now() - mark;
      return { outcomes, logged };
    }, timings);
    phases.startMs = timings.startMs;
    phases.commitMs = timings.commitMs;
    this.onFacts(facts);
    return result;
  }
}

/** A send refused inside the batch (its conversation gone or not the sender's), with what it taught the node's cache. */
function refused(
  outcome: Extract<BatchMessageOutcome, { kind: 'not_found' | 'forbidden' }>,
  accountId: string,
  conversationId: string,
  facts: AccessFact[],
): Settled<SendResult> {
  if (outcome.kind === 'not_found') {
    facts.push({ accountId, conversationId, gone: true });
    return { ok: false, error: notFound('Conversation') };
  }
  facts.push({ accountId, conversationId, contactId: outcome.contactId });
  return { ok: false, error: forbidden('This conversation is not yours') };
}

function toBatchInput(job: SendJob): BatchMessageInput {
  const { actor, input, role } = job;
  return {
    accountId: actor.accountId,
    conversationId: input.conversationId,
    role,
    senderId: role === 'ASSISTANT' || role === 'SYSTEM' ? null : actor.userId,
    content: input.content,
    contentType: input.contentType,
    clientMessageId: input.clientMessageId ?? null,
    externalId: input.externalId ?? null,
    mediaUrl: input.mediaUrl ?? null,
    attachments: input.attachments ?? null,
    confidence: input.confidence ?? null,
    latencyMs: input.latencyMs ?? null,
    actorId: actor.userId,
    requiredContactId: actor.role === 'customer' ? actor.userId : null,
  };
}

/** The keys under which a send is a retry of another: its clientMessageId in its conversation, its externalId in its account. */
function idempotencyKeys(job: SendJob): string[] {
  const { accountId } = job.actor;
  const keys: string[] = [];
  if (job.input.clientMessageId) keys.push(`c\u0000${accountId}\u0000${job.input.conversationId}\u0000${job.input.clientMessageId}`);
  if (job.input.externalId) keys.push(`e\u0000${accountId}\u0000${job.input.externalId}`);
  return keys;
}

/** A statement the database refused for its data (not for its availability): some send of the batch is at fault. */
function isWholeBatchRefusal(err: unknown): boolean {
  return err instanceof StorageError && err.kind !== 'unavailable' && err.kind !== 'misuse';
}

/** A value PostgreSQL cannot store (SQLSTATE class 22, e.g. a NUL character in text) is the sender's to fix. */
function asSendError(err: unknown): unknown {
  if (err instanceof StorageError && err.code?.startsWith('22')) return invalid('The message cannot be stored as sent');
  return err;
}
