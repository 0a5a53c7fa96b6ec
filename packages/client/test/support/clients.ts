import { afterEach } from 'vitest';

import { SwitchboardClient, type SwitchboardClientOptions } from '../../src/index';

const open = new Set<SwitchboardClient>();

afterEach(() => {
  for (const c of open) c.destroy();
  open.clear();
});

/**
 * A SwitchboardClient for a test, destroyed after it. Reconnect delays are the
 * real ones unless a test shortens them; websocket only, as in the server's tests.
 */
export function newClient(opts: SwitchboardClientOptions): SwitchboardClient {
  const client = new SwitchboardClient({ transports: ['websocket'], ...opts });
  open.add(client);
  return client;
}

/** Resolves once the client is connected and authenticated. */
export function connected(client: SwitchboardClient, ms = 10_000): Promise<void> {
  return new Promise((resolve, reject) => {
    if (client.connected) return resolve();
    const timer = setTimeout(() => {
      off();
      reject(new Error(`not connected within ${ms} ms (status ${client.status}, error ${client.state.error?.message ?? 'none'})`));
    }, ms);
    const off = client.onState((s) => {
      if (s.status !== 'connected') return;
      clearTimeout(timer);
      off();
      resolve();
    });
  });
}
