import {
  type AgentMetrics,
  type QueueMetrics,
  type SlaMetrics,
  type TicketMetrics,
  TicketPriority,
  TicketStatus,
} from '@switchboard/protocol';

import type { Throttle } from '../cluster/throttle';
import type { Db } from '../storage/db';
import { DashboardMetricsRepo } from '../storage/repos/dashboard-metrics';
import type { DomainEvent, EphemeralEvent } from './domain-event';
import type { PresenceService } from './presence-service';
import type { Publisher } from './publisher';

export interface DashboardSnapshot {
  tickets: TicketMetrics;
  queue: QueueMetrics;
  agents: AgentMetrics;
  sla: SlaMetrics;
}
type MetricName = keyof DashboardSnapshot;
const METRICS: readonly MetricName[] = ['tickets', 'queue', 'agents', 'sla'];

/** Facts after which some metric may read differently; typing, notifications and the like change none. */
const CHANGES_METRICS = /^(ticket\.(created|updated|assigned|status_changed|sla_alert)|conversation\.|presence\.changed$)/;

/**
 * `/dashboard`'s metrics, computed by SQL from stored state (and presence
 * from the presence store) every time, never from running counters. After a
 * fact that may change them, the tenant's metrics are recomputed through a
 * {@link Throttle} (at most once per interval per tenant) and only the ones
 * that differ from what was last sent go out. Tenants with no dashboard open
 * on this node are not recomputed at all.
 */
export class DashboardMetrics {
  private readonly watchers = new Map<string, number>();
  private readonly lastSent = new Map<string, Partial<Record<MetricName, string>>>();

  constructor(
    private readonly db: Db,
    private readonly publisher: Publisher,
    private readonly presence: PresenceService,
    private readonly throttle: Throttle,
    private readonly warningRatio: number,
  ) {}

  async snapshot(accountId: string): Promise<DashboardSnapshot> {
    const now = new Date();
    const at = now.toISOString();
    const startOfDay = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
    const repo = new DashboardMetricsRepo(this.db);
    const [counts, queue, load, sla, online] = await Promise.all([
      repo.ticketCounts(accountId, startOfDay),
      repo.queue(accountId, now),
      repo.agentLoad(accountId),
      repo.sla(accountId, now, this.warningRatio),
      this.presence.online(accountId),
    ]);

    const byStatus = Object.fromEntries(TicketStatus.options.map((s) => [s, 0])) as TicketMetrics['byStatus'];
    const byPriority = Object.fromEntries(TicketPriority.options.map((p) => [p, 0])) as TicketMetrics['byPriority'];
    const tickets: TicketMetrics = { at, total: 0, open: 0, unassigned: 0, createdToday: 0, solvedToday: 0, byStatus, byPriority };
    for (const row of counts) {
      const open = row.status !== 'solved' && row.status !== 'closed';
      tickets.total += row.n;
      tickets.open += open ? row.n : 0;
      tickets.unassigned += open ? row.unassigned : 0;
      tickets.createdToday += row.createdSince;
      tickets.solvedToday += row.solvedSince;
      byStatus[row.status] += row.n;
      byPriority[row.priority] += row.n;
    }

    const statusOf = new Map(online.map((r) => [r.userId, r.status]));
    const agents: AgentMetrics = {
      at,
      online: load.filter((a) => statusOf.has(a.userId)).length,
      agents: load.map((a) => ({ ...a, status: statusOf.get(a.userId) ?? 'offline' })),
    };
    const decided = sla.met + sla.breached;
    return {
      tickets,
      queue: { at, waiting: queue.waiting, avgWaitTime: queue.avgWaitSeconds, longestWaitTime: queue.longestWaitSeconds },
      agents,
      sla: { at, ...sla, compliance: decided === 0 ? 1 : sla.met / decided },
    };
  }

  /** A dashboard opened for the tenant on this node; call the returned function when it closes. */
  watch(accountId: string): () => void {
    this.watchers.set(accountId, (this.watchers.get(accountId) ?? 0) + 1);
    let done = false;
    return () => {
      if (done) return;
      done = true;
      const left = (this.watchers.get(accountId) ?? 1) - 1;
      if (left > 0) this.watchers.set(accountId, left);
      else {
        this.watchers.delete(accountId);
        this.lastSent.delete(accountId);
      }
    };
  }

  /** Reaction to any fact, published or signalled. */
  onFact(e: DomainEvent | EphemeralEvent): void {
    if (!('accountId' in e) || !CHANGES_METRICS.test(e.type) || !this.watchers.has(e.accountId)) return;
    const accountId = e.accountId;
    this.throttle.schedule(accountId, () => this.refresh(accountId));
  }

  close(): Promise<void> {
    return this.throttle.close();
  }

  private async refresh(accountId: string): Promise<void> {
    if (!this.watchers.has(accountId)) return;
    const snapshot = await this.snapshot(accountId);
    const sent = this.lastSent.get(accountId) ?? {};
    const changed: Partial<DashboardSnapshot> = {};
    for (const name of METRICS) {
      const { at: _at, ...rest } = snapshot[name];
      const fingerprint = JSON.stringify(rest);
      if (sent[name] === fingerprint) continue;
      sent[name] = fingerprint;
      Object.assign(changed, { [name]: snapshot[name] });
    }
    this.lastSent.set(accountId, sent);
    if (Object.keys(changed).length) this.publisher.signal({ type: 'metrics.updated', accountId, ...changed });
  }
}
