import { ticketsServer as S } from '@switchboard/protocol';
import { expect, it } from 'vitest';

import { DEFAULT_SLA_POLICY } from '../../src/domain/sla-policy';
import { SlaTimersRepo } from '../../src/storage/repos/sla-timers';
import { ENGINES } from '../support/databases';
import { eventually, nextEvent, quiet, record } from '../support/events';
import { ManualClock } from '../support/manual-clock';
import { forEachServer } from '../support/server';
import { namespaceClients, type Person, tenant } from './namespace-clients';

const MINUTE = 60_000;
const WARNING_RATIO = 0.75;
/** How long the scheduler sleeps at most between looks, in the server's clock. */
const POLL = MINUTE;
/**
 * Urgent tickets answered in 4 minutes and solved in 8, not the default 30 minutes and 4 hours: every second of clock
 * moved runs the typing sweeps due in it (4 a second, a turn of the event loop each), and the default's 5.5 hours per
 * engine cost ~3 s of CPU for nothing the minutes do not show.
 */
const POLICY = { ...DEFAULT_SLA_POLICY, urgent: { firstResponseMinutes: 4, resolutionMinutes: 8 } };

/**
 * The SLA clock, moved by hand: the server's SLA deadlines follow its clock while sockets and the database run on
 * real time. Ticket times come from the database, so the clock starts at the real time.
 */
forEachServer(
  'SLA timers on a hand-moved clock',
  (t) => {
    const clients = namespaceClients(t);
    const post = async (who: Person, p: string, body: unknown) => (await t.http('POST', p, { token: await t.token(who), body })).body;
    const timersOf = (accountId: string, ticketId: string) => new SlaTimersRepo(t.sb().services.db).listForTicket(accountId, ticketId);
    /** This block's server clock (each engine's server has its own). */
    const clockOf = () => t.sb().services.clock as ManualClock;
    const notified = async (accountId: string, userId: string) =>
      (
        await t
          .sb()
          .services.db.query<{ kind: string }>(
            'SELECT kind FROM notifications WHERE account_id = $1 AND user_id = $2 ORDER BY created_at',
            [accountId, userId],
          )
      ).map((r) => r.kind);
    /** Makes the scheduler look at `at` (as a ticket change does), then gives that look time to fire anything due. */
    const lookAt = async (at: number, socket: Parameters<typeof quiet>[1]) => {
      t.sb().services.sla.poke(new Date(at).toISOString());
      await quiet(300, socket, [S['ticket:sla:warning'], S['ticket:sla:breached']]);
    };

    it('warns at the warning ratio and breaches at the due time of the running clock, each once, neither a moment early', async () => {
      const clock = clockOf();
      const a = tenant();
      const agent = a.person('agent-1', 'agent');
      // The clock runs for hours here: the socket's token must outlive it.
      const socket = await clients.open('tickets', await clients.token(agent, 24 * 3600));
      const heard = record(socket);
      const conversation = await post(a.person('cust-1', 'customer'), '/api/conversations', { subject: 'Down' });
      const ticket = await post(agent, '/api/tickets', {
        subject: 'Down',
        priority: 'urgent',
        assigneeId: 'agent-1',
        conversationId: conversation.id,
      });
      const created = Date.parse(ticket.createdAt);
      const span = POLICY.urgent.firstResponseMinutes * MINUTE;
      expect(Date.parse(ticket.slaFirstResponseDueAt)).toBe(created + span);
      const warnAt = created + span * WARNING_RATIO;
      const dueAt = created + span;

      await clock.advanceTo(warnAt - 1);
      await lookAt(warnAt - 1, socket);
      expect((await timersOf(a.accountId, ticket.id)).map((x) => x.firedAt)).toEqual([null, null]);
      const warning = nextEvent(socket, S['ticket:sla:warning']);
      await clock.advanceTo(warnAt);
      expect(await warning).toMatchObject({
        ticket: { id: ticket.id },
        target: 'first_response',
        minutesLeft: Math.ceil((span * (1 - WARNING_RATIO)) / MINUTE),
      });

      await clock.advanceTo(dueAt - 1);
      await lookAt(dueAt - 1, socket);
      const breach = nextEvent(socket, S['ticket:sla:breached']);
      await clock.advanceTo(dueAt);
      expect(await breach).toMatchObject({ ticket: { id: ticket.id }, target: 'first_response' });

      // Fired timers stay fired: ten scheduler looks later there is still one of each.
      await clock.advance(10 * POLL);
      await lookAt(clock.now(), socket);
      const names = heard.map((e) => e.event);
      expect(names.filter((n) => n === S['ticket:sla:warning'].name)).toHaveLength(1);
      expect(names.filter((n) => n === S['ticket:sla:breached'].name)).toHaveLength(1);
      const timers = await timersOf(a.accountId, ticket.id);
      expect(timers.map((x) => [x.kind, Date.parse(x.fireAt), x.firedAt === null])).toEqual([
        ['warning', warnAt, false],
        ['breach', dueAt, false],
      ]);
      await eventually(async () => expect(await notified(a.accountId, 'agent-1')).toEqual(['sla_warning', 'sla_breached']));
    });

    it('fires nothing for a ticket solved before its clocks ran out', async () => {
      const clock = clockOf();
      const a = tenant();
      const agent = a.person('agent-1', 'agent');
      const socket = await clients.open('tickets', await clients.token(agent, 24 * 3600));
      const ticket = await post(agent, '/api/tickets', { subject: 'Quick', priority: 'urgent', assigneeId: 'agent-1' });
      await t.http('PATCH', `/api/tickets/${ticket.id}`, { token: await t.token(agent), body: { status: 'solved' } });
      await clock.advanceTo(Math.max(clock.now(), Date.parse(ticket.slaResolutionDueAt)) + MINUTE);
      await lookAt(clock.now(), socket);
    });
  },
  { SLA_POLICY: POLICY, SLA_WARNING_RATIO: WARNING_RATIO, SLA_POLL_MS: POLL },
  ENGINES,
  // Not both engines at once: a PGlite query holds the event loop, and the other block's clock moves a turn at a time.
  () => ({ clock: new ManualClock() }),
);
