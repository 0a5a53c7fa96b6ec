import { performance } from 'node:perf_hooks';

import { benchClaims, signBenchToken } from '../core/bench-token';
import type { BenchClient, ConnectClient } from './bench-client';
import { DeliveryTracker } from './delivery-tracker';
import { connectEioLite } from './eio-lite-client';
import type { ClientKind, ConnectResult, ConnectSpec } from './messages';
import { connectRawWs } from './raw-ws-client';
import { connectSocketIoClient } from './socket-io-client';

const CONNECTORS: Record<ClientKind, ConnectClient> = {
  'eio-lite': connectEioLite,
  'socket.io-client': connectSocketIoClient,
  ws: connectRawWs,
};

/**
 * The load generator's clients, all authenticated as agents of one tenant, and
 * the tracker that counts what they receive. Clients connect with at most
 * `concurrency` handshakes in flight, so the server's accept queue never overflows.
 */
export class ClientPool {
  private clients: BenchClient[] = [];
  /** Connection drops since connecting. */
  drops = 0;
  tracker = new DeliveryTracker(0);

  get size(): number {
    return this.clients.length;
  }

  async connect(spec: ConnectSpec): Promise<ConnectResult> {
    this.closeAll();
    const started = performance.now();
    const connectOne = CONNECTORS[spec.kind];
    const connected: BenchClient[] = [];
    const errors: Record<string, number> = {};
    // Slots are filled in connection order; deliveries before the tracker exists are not ours.
    let tracker: DeliveryTracker | null = null;
    let nextIndex = 0;
    let failed = 0;

    const worker = async () => {
      while (nextIndex < spec.count) {
        nextIndex++;
        const claims = claimsOf(spec, nextIndex + (spec.firstIndex ?? 1) - 1);
        const token = await signBenchToken(claims, spec.jwtSecret);
        const slot = { index: -1 };
        try {
          const client = await connectOne(
            spec.baseUrls[nextIndex % spec.baseUrls.length]!,
            token,
            {
              onSeq: (seq) => {
                if (tracker && slot.index >= 0) tracker.record(slot.index, seq);
              },
              onDrop: () => this.drops++,
            },
            spec.timeoutMs,
            spec.localAddress,
          );
          slot.index = connected.length;
          connected.push(client);
        } catch (err) {
          failed++;
          const message = err instanceof Error ? err.message : String(err);
          errors[message] = (errors[message] ?? 0) + 1;
        }
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, spec.concurrency) }, worker));

    this.clients = connected;
    this.drops = 0;
    tracker = new DeliveryTracker(connected.length);
    this.tracker = tracker;
    return { connected: connected.length, failed, elapsedMs: performance.now() - started, errors };
  }

  closeAll(): number {
    const n = this.clients.length;
    for (const client of this.clients) client.close();
    this.clients = [];
    return n;
  }
}

/** The claims of client number `index`: its tenant is the spec's, or one of its tenants (`clientsPerTenant`). */
function claimsOf(spec: ConnectSpec, index: number) {
  if (!spec.clientsPerTenant) return benchClaims(index, spec.tenantId, spec.extraClaims);
  const tenant = `${spec.tenantId}-${Math.ceil(index / spec.clientsPerTenant)}`;
  const extra = Object.fromEntries(Object.entries(spec.extraClaims).map(([k, v]) => [k, v === spec.tenantId ? tenant : v]));
  return benchClaims(index, tenant, extra);
}
