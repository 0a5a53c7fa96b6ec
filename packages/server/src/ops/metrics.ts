import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Prometheus metrics, in a registry of the server's own so two servers in one process don't collide. */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: 20 });
  return {
    registry,
    connections: new Gauge({ name: 'switchboard_connections', help: 'Open authenticated sockets per account', labelNames: ['account'], registers: [registry] }),
    eventsEmitted: new Counter({ name: 'switchboard_events_emitted_total', help: 'Events emitted, per event name', labelNames: ['event'], registers: [registry] }),
    handshakeFailures: new Counter({ name: 'switchboard_handshake_failures_total', help: 'Refused handshakes, per error code', labelNames: ['code'], registers: [registry] }),
    clientEvents: new Counter({ name: 'switchboard_client_events_total', help: 'Client events handled, per event and outcome', labelNames: ['event', 'outcome'], registers: [registry] }),
    outboxRescued: new Counter({ name: 'switchboard_outbox_rescued_total', help: 'Logged events this node emitted only because the outbox tailer found them (no relay brought them)', registers: [registry] }),
    relayFailures: new Counter({ name: 'switchboard_relay_failures_total', help: 'Facts this node could not hand to the relay', registers: [registry] }),
    orderGiveUps: new Counter({ name: 'switchboard_order_give_ups_total', help: 'Logged events emitted before their predecessor, after waiting for it in vain', registers: [registry] }),
    aiJobSeconds: new Histogram({
      name: 'switchboard_ai_job_seconds', help: 'AI job attempt duration, per job kind and outcome (completed, retried, failed)',
      labelNames: ['kind', 'outcome'], buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60], registers: [registry],
    }),
    aiJobs: new Counter({ name: 'switchboard_ai_jobs_total', help: 'AI job attempts, per job kind and outcome', labelNames: ['kind', 'outcome'], registers: [registry] }),
    writeFlushes: new Histogram({
      name: 'switchboard_write_flush_sends', help: 'Sends written per flush of the write pipeline (one transaction each)',
      buckets: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000], registers: [registry],
    }),
    httpRequests: new Histogram({
      name: 'switchboard_http_request_seconds', help: 'HTTP request duration', labelNames: ['route', 'status'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5], registers: [registry],
    }),
  };
}
export type Metrics = ReturnType<typeof createMetrics>;
