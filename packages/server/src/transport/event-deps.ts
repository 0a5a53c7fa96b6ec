import type { Services } from '../services';
import type { OnEventDeps } from './on-event';

/** What every client-event handler needs from the services, built once per server. */
const cache = new WeakMap<Services, OnEventDeps>();

export function eventDeps(services: Services): OnEventDeps {
  let deps = cache.get(services);
  if (!deps) {
    deps = {
      log: services.log,
      rateLimiter: services.rateLimiter,
      tenantGate: services.tenantGate,
      maxPayloadBytes: services.config.MAX_PAYLOAD_BYTES,
      onHandled: (event, outcome) => services.metrics.clientEvents.inc({ event, outcome }),
    };
    cache.set(services, deps);
  }
  return deps;
}
