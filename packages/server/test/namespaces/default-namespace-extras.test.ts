import { defaultClient as C, defaultServer as S } from '@switchboard/protocol';
import { expect, it } from 'vitest';

import { ask, nextEvent } from '../support/events';
import { forEachServer, INTERNAL_KEY } from '../support/server';
import { namespaceClients, tenant } from './namespace-clients';

forEachServer(
  '001’s default-namespace extras',
  (t) => {
    const clients = namespaceClients(t);

    it('answers ping with pong carrying the timestamp and the server time', async () => {
      const socket = await t.connect({ token: await t.token({ sub: 'u1', accountId: tenant().accountId }) });
      const pong = nextEvent(socket, S.pong.name);
      const ack = await ask(socket, C.ping.name, { timestamp: 42 });
      expect(ack).toMatchObject({ ok: true, data: { timestamp: 42 } });
      const answer = await pong;
      expect(answer.timestamp).toBe(42);
      expect(Math.abs(answer.serverTime - Date.now())).toBeLessThan(2_000);
    });

    it('sends user:updated to the user’s sockets when a token brings a new name or role', async () => {
      const a = tenant();
      const first = await t.connect({ token: await t.token({ sub: 'u1', accountId: a.accountId, role: 'agent', name: 'Ann' }) });
      const updated = nextEvent(first, S['user:updated'].name);
      await t.connect({ token: await t.token({ sub: 'u1', accountId: a.accountId, role: 'admin', name: 'Ann Lee' }) });
      expect(await updated).toMatchObject({ id: 'u1', accountId: a.accountId, name: 'Ann Lee', role: 'admin' });
    });

    it('sends POST /internal/maintenance to every socket of every tenant on every namespace', async () => {
      const a = tenant();
      const b = tenant();
      const sockets = [
        await t.connect({ token: await t.token(a.person('agent-1', 'agent')) }),
        await t.connect({ token: await t.token(b.person('cust-1', 'customer')), auth: { dialect: 'portal' } }),
        await clients.open('tickets', a.person('agent-1', 'agent')),
        await clients.open('chat', b.person('cust-1', 'customer')),
        await clients.open('notifications', a.person('viewer-1', 'viewer')),
        await clients.open('presence', b.person('agent-2', 'agent')),
        await clients.open('dashboard', a.person('admin-1', 'admin')),
      ];
      const heard = sockets.map((s) => nextEvent(s, S['system:maintenance'].name));
      const res = await t.http('POST', '/internal/maintenance', {
        headers: { 'x-internal-api-key': INTERNAL_KEY },
        body: { message: 'Upgrading the database', startsAt: '2030-01-01T02:00:00+01:00' },
      });
      expect(res).toEqual({ status: 200, body: { ok: true } });
      for (const notice of await Promise.all(heard))
        expect(notice).toEqual({ message: 'Upgrading the database', startsAt: '2030-01-01T01:00:00.000Z' });

      expect((await t.http('POST', '/internal/maintenance', { body: { message: 'x', startsAt: Date.now() } })).status).toBe(401);
      const bad = await t.http('POST', '/internal/maintenance', {
        headers: { 'x-internal-api-key': INTERNAL_KEY },
        body: { message: 'x', startsAt: 'soon' },
      });
      expect(bad.status).toBe(400);
      expect(bad.body.error.code).toBe('VALIDATION_FAILED');
    });
  },
  {},
  ['pglite'],
);
