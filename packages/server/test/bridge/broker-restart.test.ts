import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { postgresAvailable, uniqueAccountId } from '../support/databases';
import { sleep } from '../support/events';
import {
  bridgeConfig,
  bridgeStatus,
  ensureBrokerUp,
  holdBrokerForThisFile,
  rabbitmqAvailable,
  startBroker,
  stopBroker,
  TestBroker,
  uniqueQueues,
  waitForBridge,
} from '../support/rabbitmq';
import { forEachServer, type ServerContext } from '../support/server';

holdBrokerForThisFile();

const BEFORE = 100;
const AFTER = 100;
const THREADS = 5;

async function storedIds(t: ServerContext, tenant: string): Promise<string[]> {
  const rows = await t.sb().services.db.query<{ external_id: string }>('SELECT external_id FROM messages WHERE account_id = $1', [tenant]);
  return rows.map((r) => r.external_id);
}

// The real PostgreSQL when there is one: this is a reliability test (issue 5), not an engine contract.
describe.skipIf(!rabbitmqAvailable)('RabbitMQ bridge: broker restart', () => {
  const queues = uniqueQueues('restart');
  forEachServer(
    'the bridge',
    (t) => {
      const broker = new TestBroker();
      beforeAll(() => waitForBridge(t.sb(), (s) => s.state === 'connected', 20_000, 'the bridge to connect'));
      afterAll(async () => {
        await ensureBrokerUp();
        await t.sb().bridges.close();
        await broker.deleteQueues(queues.all).catch(() => undefined);
        await broker.close();
      }, 60_000);

      it('reconnects by itself after rabbitmqctl stop_app / start_app and loses no message the broker confirmed', async () => {
        const tenant = uniqueAccountId('restart');
        await t.sb().services.users.ensure({
          userId: `${tenant}-admin`,
          accountId: tenant,
          role: 'admin',
          email: null,
          name: null,
          teamIds: [],
          exp: 0,
        });
        const confirmed = new Set<string>();
        const counts = { before: 0, during: 0, after: 0, publishRetries: 0 };
        let next = 0;
        const publishOne = async (phase: 'before' | 'during' | 'after') => {
          const n = next++;
          const id = `wamid.${tenant}.${n}`;
          const body = {
            tenantId: tenant,
            externalMessageId: id,
            conversationExternalId: `thread-${n % THREADS}`,
            from: { contactId: `${tenant}-c${n % THREADS}` },
            text: `message ${n}`,
            timestamp: Date.now(),
          };
          counts.publishRetries += (await broker.publishUntilConfirmed(queues.inbound, body)) - 1;
          confirmed.add(id);
          counts[phase] += 1;
        };

        for (let i = 0; i < BEFORE; i += 1) await publishOne('before');
        let publishing = true;
        const during = (async () => {
          while (publishing) {
            await publishOne('during');
            // Pacing: a steady trickle of publishes through the restart.
            await sleep(10);
          }
        })();
        // Pacing: traffic flows before the broker stops.
        await sleep(300);

        const stopAt = Date.now();
        stopBroker();
        const stoppedAt = Date.now();
        const lost = await waitForBridge(t.sb(), (s) => s.state !== 'connected', 10_000, 'the bridge to notice');
        const noticedAt = Date.now();
        expect(lost.state).toBe('reconnecting');
        // About time: the broker stays away a moment longer than it took to notice (stop_app itself takes seconds).
        await sleep(500);
        const startAt = Date.now();
        startBroker();
        const startedAt = Date.now();
        const back = await waitForBridge(t.sb(), (s) => s.state === 'connected' && s.reconnects >= 1, 30_000, 'the bridge to reconnect');
        const reconnectedAt = Date.now();
        // Pacing: traffic flows after the reconnect.
        await sleep(500);
        publishing = false;
        await during;
        for (let i = 0; i < AFTER; i += 1) await publishOne('after');

        const drainEnd = Date.now() + 30_000;
        let stored = await storedIds(t, tenant);
        while (stored.length < confirmed.size && Date.now() < drainEnd) {
          // Polling storage while the queue drains; the loop measures when it is done.
          await sleep(100);
          stored = await storedIds(t, tenant);
        }
        const allStoredAt = Date.now();
        const status = bridgeStatus(t.sb());
        const figures = {
          engine: t.kind,
          stopAppMs: stoppedAt - stopAt,
          bridgeNoticedLossMs: noticedAt - stopAt,
          startAppMs: startedAt - startAt,
          reconnectAfterStartAppMs: reconnectedAt - startedAt,
          bridgeOfflineMs: reconnectedAt - noticedAt,
          published: { ...counts, confirmed: confirmed.size },
          stored: stored.length,
          distinctStored: new Set(stored).size,
          missing: [...confirmed].filter((id) => !stored.includes(id)).length,
          redelivered: status.redelivered,
          reconnects: back.reconnects,
          drainAfterLastPublishMs: allStoredAt - reconnectedAt,
        };
        console.log(`[reliability] RabbitMQ restart: ${JSON.stringify(figures)}`);

        expect(counts.during).toBeGreaterThan(0);
        expect(figures.missing).toBe(0);
        expect(stored).toHaveLength(confirmed.size);
        expect(new Set(stored).size).toBe(stored.length);
        expect(status.deadLettered).toBe(0);
        expect(await broker.messageCount(queues.inbound)).toBe(0);
      }, 120_000);
    },
    // Attempts to reach the broker every 100-500 ms instead of the default 1, 2, then every 5 s: what is under test
    // is that it reconnects by itself and loses nothing, not how long the default schedule waits (~2-3 s after start_app).
    bridgeConfig(queues, { AMQP_RECONNECT_DELAYS_MS: [100, 200, 500] }),
    [postgresAvailable ? 'postgres' : 'pglite'],
  );
});
