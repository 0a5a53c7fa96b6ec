import { randomUUID } from 'node:crypto';

import type { Ticket } from '@switchboard/protocol';

import { type Clock, type ClockTimer, systemClock } from '../clock';
import type { Db, Queryable } from '../storage/db';
import { type SlaTimer, type SlaTimerKind, SlaTimersRepo } from '../storage/repos/sla-timers';
import { TicketSlaRepo } from '../storage/repos/ticket-sla';
import { TicketsRepo } from '../storage/repos/tickets';
import type { DomainEvent, LoggedEvent } from './domain-event';
import { logEvents } from './event-log';
import type { Publisher } from './publisher';
import { minutesLeft, runningClock } from './sla-policy';

export interface SlaSchedulerOptions {
  warningRatio: number;
  /** Longest sleep between looks at the table, for timers other nodes armed. */
  maxSleepMs: number;
  onError: (err: unknown) => void;
  /** When timers are due and when to wake (the database's clock only stamps `fired_at`). */
  clock?: Clock;
}

/** Timers claimable but held by another node (or a failed claim) are looked at again after this long. */
const RETRY_MS = 250;
const BATCH = 100;

/**
 * Fires persisted SLA timers (table `sla_timers`) once each, across restarts
 * and nodes. Each node sleeps in a single setTimeout until the earliest
 * pending timer (or `maxSleepMs`), claims what is due with FOR UPDATE SKIP
 * LOCKED, and fires each claimed timer in one transaction with the event it
 * raises, so a timer is marked fired if and only if its event is logged.
 * Changes to tickets arm timers in their own transaction ({@link sync}) and
 * then {@link poke} the scheduler, so a nearer timer is not slept through.
 */
export class SlaScheduler {
  readonly nodeId = randomUUID();
  private readonly clock: Clock;
  private timer: ClockTimer | null = null;
  private timerAt = Number.POSITIVE_INFINITY;
  private ticking: Promise<void> | null = null;
  private again = false;
  private running = false;

  constructor(
    private readonly db: Db,
    private readonly publisher: Publisher,
    private readonly opts: SlaSchedulerOptions,
  ) {
    this.clock = opts.clock ?? systemClock;
  }

  start(): void {
    this.running = true;
    this.wakeAt(this.clock.now());
  }

  async stop(): Promise<void> {
    this.running = false;
    this.clock.clearTimeout(this.timer);
    this.timer = null;
    await this.ticking;
  }

  /**
   * Brings a ticket's two timers in line with its running clock, inside the
   * caller's transaction. A timer whose time is unchanged is left alone, fired
   * or not, so saving a ticket never fires the same warning twice; a moved one
   * is re-armed. Returns the earliest time armed, to {@link poke} after commit.
   */
  async sync(tx: Queryable, ticket: Ticket, firstResponded: boolean): Promise<string | null> {
    const timers = new SlaTimersRepo(tx);
    const clock = runningClock(ticket, firstResponded, this.opts.warningRatio);
    if (!clock) {
      await timers.cancel(ticket.accountId, ticket.id);
      return null;
    }
    const existing = await timers.listForTicket(ticket.accountId, ticket.id);
    let earliest: string | null = null;
    const wanted: Array<[SlaTimerKind, string]> = [
      ['warning', clock.warnAt],
      ['breach', clock.dueAt],
    ];
    for (const [kind, fireAt] of wanted) {
      const current = existing.find((t) => t.kind === kind);
      if (current && Date.parse(current.fireAt) === Date.parse(fireAt)) continue;
      await timers.arm({ accountId: ticket.accountId, ticketId: ticket.id, kind, fireAt });
      if (!earliest || Date.parse(fireAt) < Date.parse(earliest)) earliest = fireAt;
    }
    return earliest;
  }

  /** A timer may now be due at `at`; wake then if that is earlier than planned. */
  poke(at: string | null): void {
    if (at) this.wakeAt(Date.parse(at));
  }

  private wakeAt(at: number): void {
    if (!this.running) return;
    const bounded = Math.min(at, this.clock.now() + this.opts.maxSleepMs);
    if (this.timer && this.timerAt <= bounded) return;
    this.clock.clearTimeout(this.timer);
    this.timerAt = bounded;
    this.timer = this.clock.setTimeout(
      () => {
        this.timer = null;
        this.timerAt = Number.POSITIVE_INFINITY;
        this.tick();
      },
      Math.max(0, bounded - this.clock.now()),
    );
  }

  private tick(): void {
    if (this.ticking) {
      this.again = true;
      return;
    }
    this.ticking = this.fireDue()
      .catch(this.opts.onError)
      .then(() => this.planNext())
      .catch((err) => {
        this.opts.onError(err);
        this.wakeAt(this.clock.now() + this.opts.maxSleepMs);
      })
      .finally(() => {
        this.ticking = null;
        if (this.again && this.running) {
          this.again = false;
          this.tick();
        }
      });
  }

  private async fireDue(): Promise<void> {
    for (;;) {
      if (!this.running) return;
      const claimed = await new SlaTimersRepo(this.db).claimDue(new Date(this.clock.now()), this.nodeId, BATCH);
      for (const timer of claimed) {
        try {
          const logged = await this.fire(timer);
          logged.forEach((e) => this.publisher.publish(e));
        } catch (err) {
          // Left claimed: after the lease another look (here or on another node) fires it.
          this.opts.onError(err);
        }
      }
      if (claimed.length < BATCH) return;
    }
  }

  private async planNext(): Promise<void> {
    if (!this.running) return;
    const next = await new SlaTimersRepo(this.db).nextDueAt();
    const now = this.clock.now();
    if (!next) return this.wakeAt(now + this.opts.maxSleepMs);
    const at = Date.parse(next);
    // A due timer that could not be claimed is another node's, or ours under a lease: look again shortly, not in a loop.
    this.wakeAt(at <= now ? now + RETRY_MS : at);
  }

  /** Marks the timer fired and logs what it means, in one transaction; stale timers fire nothing. */
  private fire(timer: SlaTimer): Promise<LoggedEvent[]> {
    return this.db.transaction(async (tx) => {
      if (!(await new SlaTimersRepo(tx).markFired(timer.id, this.nodeId))) return [];
      const ticket = await new TicketsRepo(tx).get(timer.accountId, timer.ticketId);
      if (!ticket) return [];
      const answered = await new TicketSlaRepo(tx).firstResponded(ticket.accountId, ticket.id);
      const clock = runningClock(ticket, answered, this.opts.warningRatio);
      if (!clock) return [];
      const expected = timer.kind === 'warning' ? clock.warnAt : clock.dueAt;
      if (Date.parse(expected) !== Date.parse(timer.fireAt)) return [];
      const now = this.clock.now();
      const left = minutesLeft(clock.dueAt, now);
      // A warning that comes due after its clock ran out (a node was down) would only precede the breach by a moment.
      if (timer.kind === 'warning' && Date.parse(clock.dueAt) <= now) return [];
      const event: DomainEvent = {
        type: 'ticket.sla_alert',
        accountId: ticket.accountId,
        ticket,
        kind: timer.kind,
        target: clock.target,
        minutesLeft: timer.kind === 'warning' ? left : 0,
        dueAt: clock.dueAt,
      };
      return logEvents(tx, [event]);
    });
  }
}
