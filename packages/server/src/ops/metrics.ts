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
    httpRequests: new Histogram({
      name: 'switchboard_http_request_seconds', help: 'HTTP request duration', labelNames: ['route', 'status'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5], registers: [registry],
    }),
  };
}
export type Metrics = ReturnType<typeof createMetrics>;
