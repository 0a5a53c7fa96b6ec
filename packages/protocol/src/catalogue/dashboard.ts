import { z } from 'zod';

import { PresenceStatus, TicketPriority, TicketStatus } from '../enums';
import { ErrorPayload } from '../errors';
import { Id, IsoDate } from '../ids';
import { defineEvents } from './define';

const Count = z.number().int().min(0);

/** `TicketMetrics`: one tenant's tickets now; `at` is when the snapshot was taken. */
export const TicketMetrics = z.object({
  at: IsoDate,
  total: Count,
  /** Not solved and not closed. */
  open: Count,
  unassigned: Count,
  createdToday: Count,
  solvedToday: Count,
  byStatus: z.record(TicketStatus, Count),
  byPriority: z.record(TicketPriority, Count),
});
export type TicketMetrics = z.infer<typeof TicketMetrics>;

/** `QueueMetrics`: conversations waiting for a human; times in seconds. */
export const QueueMetrics = z.object({
  at: IsoDate,
  waiting: Count,
  avgWaitTime: z.number().min(0),
  longestWaitTime: z.number().min(0),
});
export type QueueMetrics = z.infer<typeof QueueMetrics>;

export const AgentLoad = z.object({
  userId: Id,
  name: z.string().nullable(),
  status: PresenceStatus,
  openConversations: Count,
  openTickets: Count,
});
export type AgentLoad = z.infer<typeof AgentLoad>;

/** `AgentMetrics`: every staff member's workload, and how many are online. */
export const AgentMetrics = z.object({
  at: IsoDate,
  online: Count,
  agents: z.array(AgentLoad),
});
export type AgentMetrics = z.infer<typeof AgentMetrics>;

/** `SlaMetrics`: compliance is met / (met + breached), 1 when neither. */
export const SlaMetrics = z.object({
  at: IsoDate,
  atRisk: Count,
  breached: Count,
  met: Count,
  compliance: z.number().min(0).max(1),
});
export type SlaMetrics = z.infer<typeof SlaMetrics>;

/**
 * Server to client on the `/dashboard` namespace (admins only). Each metric is
 * a full snapshot, sent on connect and then whenever it changes, so a client never adds deltas up.
 */
export const dashboardServer = defineEvents('dashboard', 'server', {
  'metrics:tickets': {
    seeds: ['001'],
    room: 'tenant admins on /dashboard',
    description: 'Ticket counts, by status and priority.',
    schema: TicketMetrics,
  },
  'metrics:queue': {
    seeds: ['001'],
    room: 'tenant admins on /dashboard',
    description: 'Queue status: conversations waiting for a human; times in seconds.',
    schema: QueueMetrics,
  },
  'metrics:agents': {
    seeds: ['001'],
    room: 'tenant admins on /dashboard',
    description: 'Agent workload and status.',
    schema: AgentMetrics,
  },
  'metrics:sla': {
    seeds: ['001'],
    room: 'tenant admins on /dashboard',
    description: 'SLA status; compliance is met / (met + breached).',
    schema: SlaMetrics,
  },
  error: {
    seeds: ['001'],
    room: 'the socket itself',
    description: 'A failure on the namespace, such as an expired token.',
    schema: ErrorPayload,
  },
});
