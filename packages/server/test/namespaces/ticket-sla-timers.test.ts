import { dashboardServer as D, ticketsServer as S } from '@switchboard/protocol';
import { expect, it } from 'vitest';

import type { Config } from '../../src/config';
import { DEFAULT_SLA_POLICY } from '../../src/domain/sla-policy';
import type { Db } from '../../src/storage/db';
import { SlaTimersRepo } from '../../src/storage/repos/sla-timers';
import { ENGINES } from '../support/databases';
import { eventually, nextEvent } from '../support/events';
import { forEachServer } from '../support/server';
import { namespaceClients, type Person, tenant } from './namespace-clients';

/** Urgent tickets run out in seconds here: resolution in 3 s, first response in 6 s; warnings at half time. */
const FAST: Partial<Config> = {
  SLA_POLICY: { ...DEFAULT_SLA_POLICY, urgent: { firstResponseMinutes: 0.1, resolutionMinutes: 0.05 } },
  SLA_WARNING_RATIO: 0.5,
};

async function notificationKinds(db: Db, accountId: string, userId: string): Promise<string[]> {
  const rows = await db.query<{ kind: string }>(
    'SELECT kind FROM notifications WHERE account_id = $1 AND user_id = $2 ORDER BY created_at',
    [accountId, userId],
  );
  return rows.map((r) => r.kind);
}

forEachServer(
  'SLA timers',
  (t) => {
    const clients = namespaceClients(t);
    const post = async (who: Person, p: string, body: unknown) => (await t.http('POST', p, { token: await t.token(who), body })).body;
    const timersOf = (accountId: string, ticketId: string) => new SlaTimersRepo(t.sb().services.db).listForTicket(accountId, ticketId);

    // On real time, end to end; that each fires once, and neither early, is shown on a hand-moved clock (ticket-sla-clock.test.ts).
    it('fires ticket:sla:warning and ticket:sla:breached on time, and notifies the assignee', async () => {
      const a = tenant();
      const admin = a.person('admin-1', 'admin');
      const agent = a.person('agent-1', 'agent');
      const socket = await clients.open('tickets', agent);
      const dashboard = await clients.open('dashboard', admin);
      const atRisk = nextEvent(dashboard, D['metrics:sla'].name, (m) => m.atRisk === 1, 10_000);
      const breached = nextEvent(dashboard, D['metrics:sla'].name, (m) => m.breached === 1 && m.atRisk === 0, 10_000);
      // Listening before the ticket exists: on a busy machine its creation's answer can arrive after the warning.
      const warning = nextEvent(socket, S['ticket:sla:warning'].name, () => true, 10_000);
      const breach = nextEvent(socket, S['ticket:sla:breached'].name, () => true, 10_000);
      const ticket = await post(admin, '/api/tickets', { subject: 'Down', priority: 'urgent', assigneeId: 'agent-1' });
      expect(Date.parse(ticket.slaResolutionDueAt) - Date.parse(ticket.createdAt)).toBe(3_000);

      expect(await warning).toMatchObject({
        ticket: { id: ticket.id },
        minutesLeft: 1,
        target: 'resolution',
      });
      expect(await breach).toMatchObject({
        ticket: { id: ticket.id },
        target: 'resolution',
      });
      await atRisk;
      expect(await breached).toMatchObject({ met: 0, compliance: 0 });
      // On time is measured where it happens: when the server marked each timer fired, against when it was due.
      const timers = await timersOf(a.accountId, ticket.id);
      expect(timers.map((x) => x.fireAt)).toEqual([
        new Date(Date.parse(ticket.createdAt) + 1_500).toISOString(),
        ticket.slaResolutionDueAt,
      ]);
      for (const timer of timers) {
        const late = Date.parse(timer.firedAt!) - Date.parse(timer.fireAt);
        expect(late).toBeGreaterThanOrEqual(0);
        expect(late).toBeLessThan(1_000);
      }
      // Notifications are written by a reaction to the alert, after it went out.
      await eventually(async () =>
        expect(await notificationKinds(t.sb().services.db, a.accountId, 'agent-1')).toEqual(['assigned', 'sla_warning', 'sla_breached']),
      );
    });

    it('moves the clock from first response to resolution when an agent first replies in the conversation', async () => {
      const a = tenant();
      const agent = a.person('agent-1', 'agent');
      const conversation = await post(a.person('cust-1', 'customer'), '/api/conversations', { subject: 'Hi' });
      const ticket = await post(agent, '/api/tickets', { subject: 'Hi', priority: 'urgent', conversationId: conversation.id });
      const breachAt = async () => (await timersOf(a.accountId, ticket.id)).find((x) => x.kind === 'breach')?.fireAt;
      expect(await breachAt()).toBe(ticket.slaFirstResponseDueAt);
      await post(agent, `/api/conversations/${conversation.id}/messages`, { content: 'On it' });
      // The first response is recorded by a reaction to the stored message, just after the request returns.
      await eventually(async () => expect(await breachAt()).toBe(ticket.slaResolutionDueAt), { ms: 3_000 });
      const warning = (await timersOf(a.accountId, ticket.id)).find((x) => x.kind === 'warning');
      expect(Date.parse(warning!.fireAt) - Date.parse(ticket.createdAt)).toBe(1_500);
    });

    it('re-arms on a priority change and cancels pending timers when the ticket is solved', async () => {
      const a = tenant();
      const agent = a.person('agent-1', 'agent');
      const ticket = await post(agent, '/api/tickets', { subject: 'Slow', priority: 'low' });
      expect((await timersOf(a.accountId, ticket.id)).map((x) => x.kind).sort()).toEqual(['breach', 'warning']);
      const token = await t.token(agent);
      const urgent = (await t.http('PATCH', `/api/tickets/${ticket.id}`, { token, body: { priority: 'urgent' } })).body;
      expect(Date.parse(urgent.slaResolutionDueAt) - Date.parse(ticket.createdAt)).toBe(3_000);
      expect((await timersOf(a.accountId, ticket.id)).find((x) => x.kind === 'breach')?.fireAt).toBe(urgent.slaResolutionDueAt);

      // Timers fire only from rows, so a ticket with none left can raise no SLA event.
      await t.http('PATCH', `/api/tickets/${ticket.id}`, { token, body: { status: 'solved' } });
      expect(await timersOf(a.accountId, ticket.id)).toEqual([]);
      await t.http('PATCH', `/api/tickets/${ticket.id}`, { token, body: { status: 'open' } });
      expect((await timersOf(a.accountId, ticket.id)).map((x) => x.fireAt).sort()).toEqual([
        new Date(Date.parse(ticket.createdAt) + 1_500).toISOString(),
        urgent.slaResolutionDueAt,
      ]);
    });
  },
  FAST,
  ENGINES,
  undefined,
  // The first test waits on real time for its timers: both engines wait at once.
  { enginesAtOnce: true },
);
