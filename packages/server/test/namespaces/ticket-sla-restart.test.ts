import { NAMESPACES, ticketsClient as C, ticketsServer as S } from '@switchboard/protocol';
import { io as connectClient, type Socket as ClientSocket } from 'socket.io-client';
import { afterAll, describe, expect, it } from 'vitest';

import { signToken } from '../../src/auth/token-signer';
import { buildServer } from '../../src/build-server';
import { DEFAULT_SLA_POLICY } from '../../src/domain/sla-policy';
import type { Db } from '../../src/storage/db';
import { SlaTimersRepo } from '../../src/storage/repos/sla-timers';
import { createTestDatabase, ENGINES, postgresAvailable } from '../support/databases';
import { ask, eventually, nextEvent, record, roundTrip, until } from '../support/events';
import { ManualClock } from '../support/manual-clock';
import { SECRET, testServerConfig } from '../support/server';
import { type Person, tenant } from './namespace-clients';

async function notificationKinds(db: Db, accountId: string, userId: string): Promise<string[]> {
  const rows = await db.query<{ kind: string }>(
    'SELECT kind FROM notifications WHERE account_id = $1 AND user_id = $2 ORDER BY created_at',
    [accountId, userId],
  );
  return rows.map((r) => r.kind);
}

/** Longest the scheduler sleeps between looks, in the servers' clock (the default): longer than the breach is ahead when the warning fires. */
const POLL = 5_000;

/**
 * The servers' SLA clock moves by hand (sockets, HTTP and the database stay on real time), so the downtime and the
 * deadlines are exact and cost no waiting. That a timer wakes on real time is shown in ticket-sla-timers.test.ts.
 */
for (const kind of ENGINES) {
  describe.skipIf(kind === 'postgres' && !postgresAvailable)(`SLA timers across a restart [${kind}]`, () => {
    const cleanups: Array<() => Promise<unknown>> = [];
    afterAll(async () => {
      for (const c of cleanups.reverse()) await c().catch(() => undefined);
    }, 60_000);

    it('fires a timer that came due while the server was down at start, and the next one on time, each once', async () => {
      // Resolution in 6 s, warning after a quarter of it: the warning comes due while no server runs.
      const config = testServerConfig({
        SLA_POLICY: { ...DEFAULT_SLA_POLICY, urgent: { firstResponseMinutes: 1, resolutionMinutes: 0.1 } },
        SLA_WARNING_RATIO: 0.25,
        SLA_POLL_MS: POLL,
      });
      // Starts at the real time: the ticket's times come from the database.
      const clock = new ManualClock();
      const database = await createTestDatabase(kind);
      cleanups.push(() => database.dispose());
      /**
       * The second server shares nothing in memory with the first, only the stored rows: on
       * PostgreSQL it opens a pool of its own; an in-memory PGlite cannot be opened twice, so it
       * takes over the same instance (reopening a data folder on disk costs ~10 s of initdb here).
       */
      const reopen = async (): Promise<Db> => (kind === 'postgres' ? database.openAnother() : database.db);
      const a = tenant();
      const admin = a.person('admin-1', 'admin');
      const agent = a.person('agent-1', 'agent');
      const call = async (port: number, p: string, who: Person, body: unknown) => {
        const res = await fetch(`http://127.0.0.1:${port}${p}`, {
          method: 'POST',
          headers: { authorization: `Bearer ${await signToken(SECRET, who)}`, 'content-type': 'application/json' },
          body: JSON.stringify(body),
        });
        return res.json();
      };

      const first = await buildServer(config, { db: database.db, clock });
      const firstPort = await first.listen();
      await call(firstPort, '/api/tickets', agent, { subject: 'warm-up' }); // makes agent-1 a user of the tenant
      const ticket = await call(firstPort, '/api/tickets', admin, { subject: 'Outage', priority: 'urgent', assigneeId: 'agent-1' });
      await first.close();
      const warnAt = Date.parse(ticket.createdAt) + 1_500;
      const due = Date.parse(ticket.slaResolutionDueAt);
      expect(due - warnAt).toBe(4_500);
      // The warning falls due while no server runs.
      await clock.advanceTo(warnAt + 200);

      const second = await buildServer(config, { db: await reopen(), clock });
      cleanups.push(() => second.close());
      const port = await second.listen();
      const db = second.services.db;
      const repo = new SlaTimersRepo(db);
      const firedOf = async () =>
        Object.fromEntries((await repo.listForTicket(a.accountId, ticket.id)).map((x) => [x.kind, x.firedAt !== null]));
      // At start, with the clock where it stopped: the overdue warning fires, the breach still waits.
      await eventually(async () => expect(await firedOf()).toEqual({ warning: true, breach: false }), {
        what: 'the warning fired at start',
      });

      const client: ClientSocket = connectClient(`http://127.0.0.1:${port}${NAMESPACES.tickets}`, {
        transports: ['websocket'],
        reconnection: false,
        forceNew: true,
        auth: { token: await signToken(SECRET, agent) },
      });
      cleanups.push(async () => client.disconnect());
      await new Promise<void>((resolve, reject) => {
        client.once('connect', () => resolve());
        client.once('connect_error', reject);
      });
      expect((await ask(client, C['ticket:subscribe'].name, { ticketId: ticket.id })).ok).toBe(true);
      const heard = record(client);

      // The scheduler plans its next look for the breach; a moment before it, nothing more has fired.
      await until(() => clock.hasTimerAt(due), 5_000, 'a wake planned at the breach');
      await clock.advanceTo(due - 1);
      await roundTrip(client, C['ticket:subscribe'].name, { ticketId: ticket.id });
      expect(await firedOf()).toEqual({ warning: true, breach: false });
      const breached = nextEvent(client, S['ticket:sla:breached'], (p) => p.ticket.id === ticket.id);
      await clock.advanceTo(due);
      await breached;
      expect(await firedOf()).toEqual({ warning: true, breach: true });

      // Nothing fires twice: three more of the scheduler's looks later there is still one breach, and one of each notification.
      await clock.advance(3 * POLL);
      await roundTrip(client, C['ticket:subscribe'].name, { ticketId: ticket.id });
      expect(heard.filter((e) => e.event === S['ticket:sla:breached'].name)).toHaveLength(1);
      expect(heard.filter((e) => e.event === S['ticket:sla:warning'].name)).toHaveLength(0);
      // Notifications are written by a reaction to each alert, after it went out.
      await eventually(async () =>
        expect(await notificationKinds(db, a.accountId, 'agent-1')).toEqual(['assigned', 'sla_warning', 'sla_breached']),
      );
    }, 60_000);
  });
}
