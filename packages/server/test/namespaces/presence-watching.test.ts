import { presenceClient as C, presenceServer as S } from '@switchboard/protocol';
import { expect, it } from 'vitest';

import { ask, nextEvent, record, roundTrip } from '../support/events';
import { forEachServer } from '../support/server';
import { namespaceClients, tenant } from './namespace-clients';

forEachServer(
  '/presence namespace',
  (t) => {
    const clients = namespaceClients(t);

    it('answers presence:subscribe with presence:list for users of the same tenant, dropping anyone else', async () => {
      const a = tenant();
      const b = tenant();
      const watcher = await clients.open('presence', a.person('admin-1', 'admin'));
      await clients.open('presence', a.person('agent-1', 'agent'));
      await clients.open('presence', b.person('agent-9', 'agent'));
      await t.http('GET', '/api/tickets', { token: await t.token(a.person('agent-2', 'agent')) }); // known, never connected

      const list = nextEvent(watcher, S['presence:list'].name);
      const ack = await ask(watcher, C['presence:subscribe'].name, { userIds: ['agent-1', 'agent-2', 'agent-9', 'ghost', 'agent-1'] });
      expect(ack.ok).toBe(true);
      expect(ack.data).toEqual([
        { userId: 'agent-1', status: 'online', lastSeen: expect.any(String) },
        { userId: 'agent-2', status: 'offline', lastSeen: null },
      ]);
      expect(await list).toEqual(ack.data);
    });

    it('tells watchers when a watched user comes online, changes status and goes offline; not after unsubscribe', async () => {
      const a = tenant();
      const agent = a.person('agent-1', 'agent');
      const watcher = await clients.open('presence', a.person('admin-1', 'admin'));
      const bystander = await clients.open('presence', a.person('agent-3', 'agent'));
      const first = await clients.open('presence', agent);
      await ask(watcher, C['presence:subscribe'].name, { userIds: ['agent-1'] });
      const unwatched = record(bystander);

      const busy = nextEvent(watcher, S['presence:update'].name, (u) => u.status === 'busy');
      expect((await ask(first, C['presence:status'].name, { status: 'busy' })).ok).toBe(true);
      expect(await busy).toMatchObject({ userId: 'agent-1', status: 'busy', lastSeen: expect.any(String) });

      const offline = nextEvent(watcher, S['presence:update'].name, (u) => u.status === 'offline');
      first.disconnect();
      expect((await offline).userId).toBe('agent-1');
      expect(unwatched.filter((e) => e.event === S['presence:update'].name)).toEqual([]);

      // A chosen status survives the reconnect.
      const back = nextEvent(watcher, S['presence:update'].name, (u) => u.status !== 'offline');
      const again = await clients.open('presence', agent);
      expect((await back).status).toBe('busy');
      expect((await ask(watcher, C['presence:subscribe'].name, { userIds: ['agent-1'] })).data).toEqual([
        { userId: 'agent-1', status: 'busy', lastSeen: expect.any(String) },
      ]);

      const stillWatching = await clients.open('presence', a.person('admin-2', 'admin'));
      await ask(stillWatching, C['presence:subscribe'], { userIds: ['agent-1'] });
      await ask(watcher, C['presence:unsubscribe'].name, { userIds: ['agent-1'] });
      const after = record(watcher);
      const away = nextEvent(stillWatching, S['presence:update'], (u) => u.status === 'away');
      await ask(again, C['presence:status'].name, { status: 'away' });
      await away;
      await roundTrip(watcher, C['presence:unsubscribe'], { userIds: ['agent-1'] });
      expect(after).toEqual([]);
    });

    it('keeps customers out at the handshake and rejects an unknown status', async () => {
      const a = tenant();
      expect((await clients.refused('presence', a.person('cust-1', 'customer'))).data?.code).toBe('FORBIDDEN');
      const agent = await clients.open('presence', a.person('agent-1', 'agent'));
      const res = await ask(agent, C['presence:status'].name, { status: 'sleeping' });
      expect(res.error).toMatchObject({ code: 'VALIDATION_FAILED', details: { issues: [expect.objectContaining({ path: 'status' })] } });
      expect((await ask(agent, C['presence:subscribe'].name, { userIds: [] })).error?.code).toBe('VALIDATION_FAILED');
    });
  },
  {},
  ['pglite'],
);
