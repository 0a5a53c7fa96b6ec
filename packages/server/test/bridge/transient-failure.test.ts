import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { buildServer, type Switchboard } from '../../src/build-server';
import type { Db } from '../../src/storage/db';
import { StorageError } from '../../src/storage/storage-error';
import { createTestDatabase, type TestDatabase, uniqueAccountId } from '../support/databases';
import { sleep } from '../support/events';
import {
  bridgeConfig,
  bridgeStatus,
  holdBrokerForThisFile,
  rabbitmqAvailable,
  TestBroker,
  uniqueQueues,
  waitForBridge,
} from '../support/rabbitmq';
import { testServerConfig } from '../support/server';

holdBrokerForThisFile();

/** The suite's database, except that while `down` every call fails the way a lost PostgreSQL does. */
function switchableDb(db: Db, isDown: () => boolean): Db {
  const gone = () => new StorageError('unavailable', { code: 'ECONNREFUSED' });
  return {
    kind: db.kind,
    query: (text, params) => (isDown() ? Promise.reject(gone()) : db.query(text, params)),
    transaction: (fn) => (isDown() ? Promise.reject(gone()) : db.transaction(fn)),
    ping: () => (isDown() ? Promise.reject(gone()) : db.ping()),
    close: () => db.close(),
  };
}

describe.skipIf(!rabbitmqAvailable)('RabbitMQ bridge: the database going away', () => {
  const queues = uniqueQueues('transient');
  const broker = new TestBroker();
  let database: TestDatabase;
  let sb: Switchboard;
  let down = false;

  beforeAll(async () => {
    database = await createTestDatabase('pglite');
    const config = testServerConfig({
      ...bridgeConfig(queues, { AMQP_RETRY_DELAY_MS: 100 }),
    });
    sb = await buildServer(config, { db: switchableDb(database.db, () => down) });
    await waitForBridge(sb, (s) => s.state === 'connected', 20_000, 'the bridge to connect');
  }, 60_000);

  afterAll(async () => {
    down = false;
    await sb?.close();
    await broker.deleteQueues(queues.all).catch(() => undefined);
    await broker.close();
    await database?.dispose();
  }, 60_000);

  it('requeues with a growing pause while the database is down, dead-letters nothing, and stores the message once it answers', async () => {
    const tenant = uniqueAccountId('flaky');
    await sb.services.users.ensure({
      userId: `${tenant}-admin`,
      accountId: tenant,
      role: 'admin',
      email: null,
      name: null,
      teamIds: [],
      exp: 0,
    });
    const externalId = `wamid.${tenant}`;
    down = true;
    await broker.publish(queues.inbound, {
      tenantId: tenant,
      externalMessageId: externalId,
      from: { contactId: `${tenant}-c1` },
      text: 'are you there?',
      timestamp: Date.now(),
    });
    // About time: how many tries a 1.25 s outage gets (a handful, not a hot loop).
    await sleep(1_250);
    const during = bridgeStatus(sb);
    // 100 ms, then pauses that grow with the outage (requeued at about 0.1, 0.2, 0.4 and 0.8 s): a handful of
    // tries in 1.25 s, where a fixed 100 ms pause would make twelve.
    expect(during.requeued).toBeGreaterThanOrEqual(2);
    expect(during.requeued).toBeLessThanOrEqual(6);
    expect(during.deadLettered).toBe(0);
    expect(during.acked).toBe(0);

    down = false;
    await waitForBridge(sb, (s) => s.acked === 1, 15_000, 'the message to be stored after the database came back');
    const rows = await database.db.query<{ content: string }>('SELECT content FROM messages WHERE account_id = $1 AND external_id = $2', [
      tenant,
      externalId,
    ]);
    expect(rows.map((r) => r.content)).toEqual(['are you there?']);
    expect(bridgeStatus(sb).deadLettered).toBe(0);
    expect(await broker.messageCount(queues.inbound)).toBe(0);
    expect(await broker.messageCount(`${queues.inbound}.dlq`)).toBe(0);
  }, 30_000);
});
