import type { Services } from '../services';
import type { HealthChecks } from '../transport/http/health-routes';
import { AmqpBridge } from './amqp-bridge';

export interface Bridges {
  /** The RabbitMQ bridge, when AMQP_URL is set. */
  amqp: AmqpBridge | null;
  /** Extra /readyz checks, one per running bridge. */
  readiness: HealthChecks['extra'];
  close(): Promise<void>;
}

/**
 * Starts the bridges the configuration asks for. Each one connects in the background, so an
 * unreachable broker delays nothing and shows up in /readyz instead. With several workers or nodes
 * every one consumes: the queues spread deliveries across them, and storage is idempotent.
 */
export function startBridges(services: Services): Bridges {
  const { config } = services;
  if (!config.AMQP_URL) return { amqp: null, readiness: [], close: async () => undefined };
  const amqp = new AmqpBridge(services, {
    url: config.AMQP_URL,
    prefetch: config.AMQP_PREFETCH,
    inboundQueue: config.AMQP_INBOUND_QUEUE,
    statusQueue: config.AMQP_STATUS_QUEUE,
    retryDelayMs: config.AMQP_RETRY_DELAY_MS,
    reconnectDelaysMs: config.AMQP_RECONNECT_DELAYS_MS,
  });
  amqp.start();
  return { amqp, readiness: [amqp.readiness], close: () => amqp.close() };
}
