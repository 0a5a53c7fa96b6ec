import { dashboardServer as S, presenceClient } from '@switchboard/protocol';
import type { Socket as ClientSocket } from 'socket.io-client';
import { expect, it } from 'vitest';

import { ENGINES } from '../support/databases';
import { ask, nextEvent, record, sleep } from '../support/events';
import { forEachServer } from '../support/server';
import { namespaceClients, type Person, tenant } from './namespace-clients';

type Metrics = Record<'tickets' | 'queue' | 'agents' | 'sla', any>;

forEachServer(
  '/dashboard namespace',
  (t) => {
    const clients = namespaceClients(t);
    const post = async (who: Person, path: string, body: unknown) => (await t.http('POST', path, { token: await t.token(who), body })).body;
    /** Opens /dashboard and resolves with the four metrics it is sent on connect. */
    const openDashboard = async (who: Person): Promise<{ socket: ClientSocket; metrics: Metrics }> => {
      let first: Promise<unknown[]> | undefined;
      const socket = await clients.open('dashboard', who, (s) => {
        first = Promise.all(
          [S['metrics:tickets'], S['metrics:queue'], S['metrics:agents'], S['metrics:sla']].map((d) => nextEvent(s, d.name)),
        );
      });
      const [tickets, queue, agents, sla] = await first!;
      return { socket, metrics: { tickets, queue, agents, sla } };
    };

    it('refuses everyone but admins at connect with FORBIDDEN', async () => {
      const a = tenant();
      for (const role of ['agent', 'viewer', 'customer'] as const) {
        const err = await clients.refused('dashboard', a.person(`${role}-1`, role));
        expect(err.message).toBe('FORBIDDEN');
        expect(err.data).toMatchObject({ code: 'FORBIDDEN', message: expect.any(String) });
      }
      expect((await clients.refused('dashboard', null)).message).toBe('MISSING_TOKEN');
    });

    it('sends every metric on connect, counted from what is stored', async () => {
      const a = tenant();
      const admin = a.person('admin-1', 'admin', { name: 'Ada' });
      const agent = a.person('agent-1', 'agent', { name: 'Ann' });
      await clients.open('presence', agent);
      await post(admin, '/api/tickets', { subject: 'a', priority: 'high', assigneeId: 'agent-1' });
      await post(admin, '/api/tickets', { subject: 'b', priority: 'low' });
      const solved = await post(admin, '/api/tickets', { subject: 'c' });
      await t.http('PATCH', `/api/tickets/${solved.id}`, { token: await t.token(admin), body: { status: 'solved' } });
      await post(a.person('cust-1', 'customer'), '/api/conversations', { subject: 'waiting' });
      // About time: the waiting conversation must have waited a measurable while (avgWaitTime > 0).
      await sleep(20);

      const { metrics } = await openDashboard(admin);
      expect(metrics.tickets).toMatchObject({
        total: 3,
        open: 2,
        unassigned: 1,
        createdToday: 3,
        solvedToday: 1,
        byStatus: { open: 2, pending: 0, on_hold: 0, solved: 1, closed: 0 },
        byPriority: { low: 1, medium: 1, high: 1, urgent: 0 },
      });
      expect(metrics.queue).toMatchObject({ waiting: 1 });
      expect(metrics.queue.avgWaitTime).toBeGreaterThan(0);
      expect(metrics.queue.longestWaitTime).toBeGreaterThanOrEqual(metrics.queue.avgWaitTime);
      expect(metrics.agents.online).toBeGreaterThanOrEqual(1);
      expect(metrics.agents.agents).toEqual(
        expect.arrayContaining([
          { userId: 'agent-1', name: 'Ann', status: 'online', openConversations: 0, openTickets: 1 },
          { userId: 'admin-1', name: 'Ada', status: 'offline', openConversations: 0, openTickets: 0 },
        ]),
      );
      expect(metrics.sla).toMatchObject({ atRisk: 0, breached: 0, met: 1, compliance: 1, at: expect.any(String) });
    });

    it('pushes changed metrics at most once per second per tenant, and only to that tenant', async () => {
      const a = tenant();
      const b = tenant();
      const admin = a.person('admin-1', 'admin');
      const mine = await openDashboard(admin);
      const theirs = await openDashboard(b.person('admin-1', 'admin'));
      const seen = record(mine.socket);
      const foreign = record(theirs.socket);

      const start = Date.now();
      await Promise.all(Array.from({ length: 5 }, (_, i) => post(admin, '/api/tickets', { subject: `burst ${i}` })));
      await nextEvent(mine.socket, S['metrics:tickets'].name, (m) => m.total === 5, 5_000);
      // About time: a push the throttle might still owe would come within this window.
      await sleep(300);

      // Five facts, but pushes at least a second apart: as many as the seconds the burst took, plus the first.
      const ticketUpdates = seen.filter((e) => e.event === S['metrics:tickets'].name);
      const times = ticketUpdates.map((e) => Date.parse(e.payload.at));
      for (let i = 1; i < times.length; i += 1) expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(950);
      expect(ticketUpdates.length).toBeLessThanOrEqual(1 + Math.floor((times.at(-1)! - start) / 1_000));
      expect(ticketUpdates.at(-1)!.payload.total).toBe(5);
      expect(foreign).toEqual([]);

      // Presence is state, not history; it still moves the agents metric.
      const agents = nextEvent(
        mine.socket,
        S['metrics:agents'].name,
        (m) => m.agents.some((x: { userId: string; status: string }) => x.userId === 'agent-7' && x.status === 'away'),
        3_000,
      );
      const presence = await clients.open('presence', a.person('agent-7', 'agent'));
      await ask(presence, presenceClient['presence:status'].name, { status: 'away' });
      expect((await agents).online).toBeGreaterThanOrEqual(1);
    });
  },
  {},
  ENGINES,
  undefined,
  // The throttle test waits out pushes a second apart: both engines wait at once.
  { enginesAtOnce: true },
);
