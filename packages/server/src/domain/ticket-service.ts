import type { Ticket, TicketPriority, TicketStatus, UserSummary } from '@switchboard/protocol';

import { type Actor, can } from '../access/policy';
import { AppError, forbidden, notFound } from '../errors';
import type { Db, Queryable } from '../storage/db';
import { TicketSlaRepo } from '../storage/repos/ticket-sla';
import { type ListTicketsOptions, type TicketPatch, TicketsRepo } from '../storage/repos/tickets';
import { UsersRepo } from '../storage/repos/users';
import type { ConversationService } from './conversation-service';
import type { DomainEvent, LoggedEvent } from './domain-event';
import { logEvents } from './event-log';
import type { Publisher } from './publisher';
import { dueDates, type SlaPolicy } from './sla-policy';
import type { SlaScheduler } from './sla-scheduler';

/** An actor with what other people see of it (ticket:status names who changed it). */
export interface TicketActor extends Actor {
  name: string | null;
  email: string | null;
}

export interface CreateTicketInput {
  subject: string;
  priority?: TicketPriority;
  conversationId?: string;
  teamId?: string;
  assigneeId?: string;
}

export interface UpdateTicketInput {
  subject?: string;
  status?: TicketStatus;
  priority?: TicketPriority;
  assigneeId?: string | null;
  teamId?: string | null;
}

export interface ListTicketsInput {
  status?: TicketStatus;
  priority?: TicketPriority;
  assigneeId?: string;
  teamId?: string;
  conversationId?: string;
  limit?: number;
  before?: string;
}

/**
 * Tickets (`/tickets`): create, change, assign, read. Each change is one
 * transaction holding the row, its SLA timers and its log events; events are
 * published after the commit. The same rules serve sockets and HTTP.
 */
export class TicketService {
  constructor(
    private readonly db: Db,
    private readonly publisher: Publisher,
    private readonly sla: SlaScheduler,
    private readonly conversations: ConversationService,
    private readonly policy: SlaPolicy,
  ) {}

  /** A ticket the actor may read, or NOT_FOUND (another tenant's looks the same as a missing one). */
  async get(actor: Actor, id: string): Promise<Ticket> {
    if (!can.readTicket(actor, { accountId: actor.accountId })) throw forbidden('Tickets are for staff');
    const ticket = await new TicketsRepo(this.db).get(actor.accountId, id);
    if (!ticket) throw notFound('Ticket');
    return ticket;
  }

  async list(actor: Actor, input: ListTicketsInput = {}): Promise<Ticket[]> {
    if (!can.readTicket(actor, { accountId: actor.accountId })) throw forbidden('Tickets are for staff');
    const opts: ListTicketsOptions = { limit: input.limit ?? 50 };
    if (input.status) opts.status = input.status;
    if (input.priority) opts.priority = input.priority;
    if (input.assigneeId) opts.assigneeId = input.assigneeId;
    if (input.teamId) opts.teamId = input.teamId;
    if (input.conversationId) opts.conversationId = input.conversationId;
    if (input.before) opts.beforeId = input.before;
    return new TicketsRepo(this.db).list(actor.accountId, opts);
  }

  async create(actor: TicketActor, input: CreateTicketInput): Promise<Ticket> {
    if (!can.changeTicket(actor, { accountId: actor.accountId })) throw forbidden('Only agents and admins create tickets');
    if (input.conversationId) await this.conversations.getReadable(actor, input.conversationId);
    const agent = input.assigneeId ? await this.assignee(actor.accountId, input.assigneeId) : null;
    const priority = input.priority ?? 'medium';
    const { ticket, logged, wake } = await this.db.transaction(async (tx) => {
      const repo = new TicketsRepo(tx);
      const draft = await repo.create({
        accountId: actor.accountId,
        subject: input.subject,
        priority,
        conversationId: input.conversationId ?? null,
        teamId: input.teamId ?? null,
        assigneeId: agent?.id ?? null,
      });
      // Clocks start at the stored creation time, the same origin a later priority change computes from.
      const ticket =
        (await repo.update(actor.accountId, draft.id, dueDates(this.policy, priority, draft.createdAt, Boolean(input.conversationId))))
          ?.after ?? draft;
      const wake = await this.sla.sync(tx, ticket, false);
      const events: DomainEvent[] = [{ type: 'ticket.created', accountId: actor.accountId, ticket }];
      if (agent)
        events.push({ type: 'ticket.assigned', accountId: actor.accountId, ticket, agent, previousAssigneeId: null, by: actor.userId });
      return { ticket, logged: await logEvents(tx, events), wake };
    });
    this.finish(logged, wake);
    return ticket;
  }

  async update(actor: TicketActor, id: string, input: UpdateTicketInput): Promise<Ticket> {
    const before = await this.get(actor, id);
    if (!can.changeTicket(actor, before)) throw forbidden('Viewers cannot change tickets');
    const agent = input.assigneeId ? await this.assignee(actor.accountId, input.assigneeId) : null;
    const patch: TicketPatch = {};
    if (input.subject !== undefined) patch.subject = input.subject;
    if (input.status !== undefined) patch.status = input.status;
    if (input.teamId !== undefined) patch.teamId = input.teamId;
    if (input.assigneeId !== undefined) patch.assigneeId = input.assigneeId;
    if (input.priority !== undefined && input.priority !== before.priority) {
      patch.priority = input.priority;
      const due = dueDates(this.policy, input.priority, before.createdAt, before.slaFirstResponseDueAt !== null);
      patch.slaFirstResponseDueAt = due.slaFirstResponseDueAt;
      patch.slaResolutionDueAt = due.slaResolutionDueAt;
    }
    const { ticket, logged, wake } = await this.db.transaction(async (tx) => {
      const result = await new TicketsRepo(tx).update(actor.accountId, id, patch);
      if (!result) throw notFound('Ticket');
      const { before: prev, after, changed } = result;
      if (changed.length === 0) return { ticket: after, logged: [] as LoggedEvent[], wake: null };
      const wake = await this.resync(tx, after);
      const events: DomainEvent[] = [
        { type: 'ticket.updated', accountId: actor.accountId, ticket: after, changes: changed, by: actor.userId },
      ];
      if (changed.includes('assigneeId')) {
        events.push({
          type: 'ticket.assigned',
          accountId: actor.accountId,
          ticket: after,
          agent,
          previousAssigneeId: prev.assigneeId,
          by: actor.userId,
        });
      }
      if (changed.includes('status')) {
        events.push({
          type: 'ticket.status_changed',
          accountId: actor.accountId,
          ticket: after,
          previousStatus: prev.status,
          by: summaryOf(actor),
        });
      }
      return { ticket: after, logged: await logEvents(tx, events), wake };
    });
    this.finish(logged, wake);
    return ticket;
  }

  /** Assigns, or with null unassigns: an update of one field, raising ticket:assigned. */
  assign(actor: TicketActor, id: string, assigneeId: string | null): Promise<Ticket> {
    return this.update(actor, id, { assigneeId });
  }

  /**
   * Reaction to a stored message: the tickets wrapping its conversation pass it
   * on to their followers, and an agent's message is the first response that
   * moves their SLA clock on to resolution.
   */
  async onMessageCreated(e: Extract<LoggedEvent, { type: 'message.created' }>): Promise<void> {
    const { accountId, message } = e;
    // Most conversations have no ticket: the commit already said so, which spares a query per message.
    if (e.ticketed === false) return;
    const tickets = await new TicketsRepo(this.db).list(accountId, { conversationId: message.conversationId, limit: 50 });
    if (tickets.length === 0) return;
    for (const t of tickets) this.publisher.signal({ type: 'ticket.message', accountId, ticketId: t.id, message });
    if (message.role !== 'HUMAN_AGENT') return;
    const wakes = await this.db.transaction(async (tx) => {
      const answered = await new TicketSlaRepo(tx).recordFirstResponse(accountId, message.conversationId, message.createdAt);
      const out: Array<string | null> = [];
      for (const ticket of answered) out.push(await this.sla.sync(tx, ticket, true));
      return out;
    });
    wakes.forEach((at) => this.sla.poke(at));
  }

  private async resync(tx: Queryable, ticket: Ticket): Promise<string | null> {
    return this.sla.sync(tx, ticket, await new TicketSlaRepo(tx).firstResponded(ticket.accountId, ticket.id));
  }

  private async assignee(accountId: string, userId: string): Promise<UserSummary> {
    const user = await new UsersRepo(this.db).get(accountId, userId);
    if (!user || !can.beAssigned(user.role)) throw new AppError('NOT_FOUND', 'No such agent in this tenant');
    return { id: user.id, name: user.name, email: user.email, role: user.role };
  }

  private finish(logged: LoggedEvent[], wake: string | null): void {
    logged.forEach((e) => this.publisher.publish(e));
    this.sla.poke(wake);
  }
}

export function summaryOf(actor: TicketActor): UserSummary {
  return { id: actor.userId, name: actor.name, email: actor.email, role: actor.role };
}
