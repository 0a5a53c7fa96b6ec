import { CATALOGUE } from '@switchboard/protocol';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

const SERVER_EVENTS = new Set(CATALOGUE.filter((e) => e.direction === 'server').map((e) => e.name));

/**
 * An emitted event's label: its catalogue name, or `custom` for names a backend chose
 * (`POST /internal/emit`), which would otherwise grow the series without bound.
 */
export function emittedEventLabel(event: string): string {
  return SERVER_EVENTS.has(event) ? event : 'custom';
}

/**
 * Prometheus metrics, in a registry of the server's own so two servers in one process don't collide.
 * No series is labelled by tenant (or user): their number would grow with the tenants, and the
 * scrape would name every customer. Per-tenant figures belong to `/dashboard`, behind a token.
 */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: 20 });
  const connections = new Gauge({ name: 'switchboard_connections', help: 'Open authenticated sockets', registers: [registry] });
  const tenants = new Gauge({
    name: 'switchboard_connected_tenants',
    help: 'Tenants with at least one open authenticated socket on this node',
    registers: [registry],
  });
  const perTenant = new Map<string, number>();
  return {
    registry,
    /** A socket of `accountId` authenticated; the tenant is counted, never named. */
    connectionOpened(accountId: string): void {
      connections.inc();
      perTenant.set(accountId, (perTenant.get(accountId) ?? 0) + 1);
      tenants.set(perTenant.size);
    },
    connectionClosed(accountId: string): void {
      connections.dec();
      const left = (perTenant.get(accountId) ?? 1) - 1;
      if (left > 0) perTenant.set(accountId, left);
      else perTenant.delete(accountId);
      tenants.set(perTenant.size);
    },
    eventsEmitted: new Counter({
      name: 'switchboard_events_emitted_total',
      help: 'Events emitted, per catalogue event name (custom for /internal/emit names)',
      labelNames: ['event'],
      registers: [registry],
    }),
    handshakeFailures: new Counter({
      name: 'switchboard_handshake_failures_total',
      help: 'Refused handshakes, per error code',
      labelNames: ['code'],
      registers: [registry],
    }),
    clientEvents: new Counter({
      name: 'switchboard_client_events_total',
      help: 'Client events handled, per event and outcome',
      labelNames: ['event', 'outcome'],
      registers: [registry],
    }),
    outboxRescued: new Counter({
      name: 'switchboard_outbox_rescued_total',
      help: 'Logged events this node emitted only because the outbox tailer found them (no relay brought them)',
      registers: [registry],
    }),
    relayFailures: new Counter({
      name: 'switchboard_relay_failures_total',
      help: 'Facts this node could not hand to the relay',
      registers: [registry],
    }),
    orderGiveUps: new Counter({
      name: 'switchboard_order_give_ups_total',
      help: 'Logged events emitted before their predecessor, after waiting for it in vain',
      registers: [registry],
    }),
    aiJobSeconds: new Histogram({
      name: 'switchboard_ai_job_seconds',
      help: 'AI job attempt duration, per job kind and outcome (completed, retried, failed)',
      labelNames: ['kind', 'outcome'],
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers: [registry],
    }),
    aiJobs: new Counter({
      name: 'switchboard_ai_jobs_total',
      help: 'AI job attempts, per job kind and outcome',
      labelNames: ['kind', 'outcome'],
      registers: [registry],
    }),
    writeFlushes: new Histogram({
      name: 'switchboard_write_flush_sends',
      help: 'Sends written per flush of the write pipeline (one transaction each)',
      buckets: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000],
      registers: [registry],
    }),
    writeFlushPhases: new Histogram({
      name: 'switchboard_write_flush_phase_seconds',
      help: 'Where each write pipeline flush spent its wall time: queued (oldest send), start (connection and BEGIN), messages and events (the two statements), commit, publish, total',
      labelNames: ['phase'],
      buckets: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
    dbVacuumSeconds: new Histogram({
      name: 'switchboard_db_vacuum_seconds',
      help: 'Wall time of each VACUUM or ANALYZE statement of the vacuum job, per why it ran (vacuum, freeze, analyze); on the embedded engine every query waits that long',
      labelNames: ['kind'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
    dbXidAge: new Gauge({
      name: 'switchboard_db_xid_age',
      help: 'Age in transactions of the oldest unfrozen transaction id of any database (age of the oldest datfrozenxid), as of the last vacuum pass; PostgreSQL stops writes near 2.1 billion',
      registers: [registry],
    }),
    httpRequests: new Histogram({
      name: 'switchboard_http_request_seconds',
      help: 'HTTP request duration',
      labelNames: ['route', 'status'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
  };
}
export type Metrics = ReturnType<typeof createMetrics>;
