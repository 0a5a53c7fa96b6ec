import { type SlaTarget, type Ticket, TicketPriority } from '@switchboard/protocol';
import { z } from 'zod';

/** How long each SLA clock runs for one priority; minutes, fractions allowed (tests run in seconds). */
export const SlaTargets = z.object({
  firstResponseMinutes: z.number().positive(),
  resolutionMinutes: z.number().positive(),
});
export type SlaTargets = z.infer<typeof SlaTargets>;

export type SlaPolicy = Record<TicketPriority, SlaTargets>;

export const DEFAULT_SLA_POLICY: SlaPolicy = {
  urgent: { firstResponseMinutes: 30, resolutionMinutes: 4 * 60 },
  high: { firstResponseMinutes: 60, resolutionMinutes: 8 * 60 },
  medium: { firstResponseMinutes: 4 * 60, resolutionMinutes: 24 * 60 },
  low: { firstResponseMinutes: 8 * 60, resolutionMinutes: 48 * 60 },
};

/**
 * `SLA_POLICY` as written in the environment: JSON naming only the priorities
 * and clocks that differ from {@link DEFAULT_SLA_POLICY}, e.g.
 * `{"urgent":{"firstResponseMinutes":15}}`.
 */
export const SlaPolicyFromEnv = z
  .string()
  .optional()
  .transform((raw, ctx) => {
    if (!raw || raw.trim() === '') return {};
    try {
      return JSON.parse(raw) as unknown;
    } catch {
      ctx.addIssue({ code: 'custom', message: 'SLA_POLICY must be JSON' });
      return z.NEVER;
    }
  })
  .pipe(z.partialRecord(TicketPriority, SlaTargets.partial()))
  .transform((override): SlaPolicy => {
    const out = { ...DEFAULT_SLA_POLICY };
    for (const p of TicketPriority.options) out[p] = { ...DEFAULT_SLA_POLICY[p], ...override[p] };
    return out;
  });

const RESOLVED: readonly Ticket['status'][] = ['solved', 'closed'];
export const isResolved = (status: Ticket['status']): boolean => RESOLVED.includes(status);

/**
 * Due dates of a new ticket, or of one whose priority changed: both clocks run
 * from creation. Only a ticket that wraps a conversation has a first-response
 * clock, since a first response is the first agent message in that conversation.
 */
export function dueDates(
  policy: SlaPolicy,
  priority: TicketPriority,
  createdAt: string | number,
  hasConversation: boolean,
): { slaFirstResponseDueAt: string | null; slaResolutionDueAt: string } {
  const start = typeof createdAt === 'number' ? createdAt : Date.parse(createdAt);
  const targets = policy[priority];
  return {
    slaFirstResponseDueAt: hasConversation ? new Date(start + targets.firstResponseMinutes * 60_000).toISOString() : null,
    slaResolutionDueAt: new Date(start + targets.resolutionMinutes * 60_000).toISOString(),
  };
}

/** The one clock a ticket's timers follow now; its warning comes once `warningRatio` of its span has passed. */
export interface RunningClock {
  target: SlaTarget;
  dueAt: string;
  warnAt: string;
}

/**
 * Which clock is running: first response until an agent has answered, then
 * resolution; none once the ticket is solved or closed. The persisted timers
 * (one warning, one breach per ticket) always follow this clock.
 */
export function runningClock(ticket: Ticket, firstResponded: boolean, warningRatio: number): RunningClock | null {
  if (isResolved(ticket.status)) return null;
  const onFirstResponse = !firstResponded && ticket.slaFirstResponseDueAt !== null;
  const dueAt = onFirstResponse ? ticket.slaFirstResponseDueAt : ticket.slaResolutionDueAt;
  if (!dueAt) return null;
  const start = Date.parse(ticket.createdAt);
  const end = Date.parse(dueAt);
  const warnAt = new Date(start + Math.max(0, end - start) * warningRatio).toISOString();
  return { target: onFirstResponse ? 'first_response' : 'resolution', dueAt: new Date(end).toISOString(), warnAt };
}

/** Whole minutes left before `dueAt`, rounded up: "1 minute left" until the clock runs out. */
export function minutesLeft(dueAt: string, now = Date.now()): number {
  return Math.max(0, Math.ceil((Date.parse(dueAt) - now) / 60_000));
}
