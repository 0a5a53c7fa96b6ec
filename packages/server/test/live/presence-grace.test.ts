import { defaultServer as S, presenceClient as PC, presenceServer as PS } from '@switchboard/protocol';
import { io, type Socket as ClientSocket } from 'socket.io-client';
import { expect, it } from 'vitest';

import { uniqueAccountId } from '../support/databases';
import { ask, eventually, nextEvent, sleep, until } from '../support/events';
import { forEachServer } from '../support/server';

const GRACE_MS = 1_500;
const COALESCE_MS = 100;

/** Every agent_online / agent_offline a socket hears, as [status, userId]. */
function presenceLog(socket: ClientSocket): Array<[string, string]> {
  const seen: Array<[string, string]> = [];
  socket.on(S.agent_online.name, (p) => seen.push(['online', p.userId]));
  socket.on(S.agent_offline.name, (p) => seen.push(['offline', p.userId]));
  return seen;
}

forEachServer(
  'presence with a grace period',
  (t) => {
    const agentToken = (accountId: string, sub: string) => t.token({ sub, accountId, role: 'agent', name: sub });

    it('20 agents who reconnect within the grace announce nothing; one who stays away is announced offline once', async () => {
      const acct = uniqueAccountId();
      const watcher = await t.connect({ token: await t.token({ sub: 'admin', accountId: acct, role: 'admin' }) });
      const seen = presenceLog(watcher);
      const ids = Array.from({ length: 20 }, (_, i) => `agent-${i}`);
      const tokens = await Promise.all(ids.map((id) => agentToken(acct, id)));
      const agents = await Promise.all(tokens.map((token) => t.connect({ token })));
      const leaver = await t.connect({ token: await agentToken(acct, 'leaver') });
      await until(() => [...ids, 'leaver'].every((id) => seen.some(([, who]) => who === id)), 5_000, 'every agent announced online');
      seen.length = 0;

      // All drop and come back at once, as after a network blip; the leaver goes for good.
      const back = Promise.all(
        agents.map(async (socket, i) => {
          socket.disconnect();
          return t.connect({ token: tokens[i] });
        }),
      );
      leaver.disconnect();
      await back;
      const offline = nextEvent(watcher, S.agent_offline.name, (p) => p.userId === 'leaver', GRACE_MS + 3_000);
      expect(await offline).toMatchObject({ userId: 'leaver', status: 'offline' });
      // About time: sweeps run every PRESENCE_TTL_MS / 3 (200 ms); give a few of them the chance to announce anyone again.
      await sleep(700);
      expect(seen).toEqual([['offline', 'leaver']]);
      expect(await t.sb().services.broadcast.isAgentOnline(acct, 'agent-7')).toBe(true);
      expect(await t.sb().services.broadcast.isAgentOnline(acct, 'leaver')).toBe(false);
    });

    it('counts a user inside the grace as online for everyone, and tells a new staff connection who is online', async () => {
      const acct = uniqueAccountId();
      const busyToken = await agentToken(acct, 'busy-one');
      await t.connect({ token: await agentToken(acct, 'here') });
      const busy = await t.connect({ token: busyToken });
      expect((await ask(busy, 'agent_offline')).ok).toBe(true);
      const away = await t.connect({ token: await agentToken(acct, 'stepping-out') });
      away.disconnect();
      const store = t.sb().cluster.presenceStore;
      await eventually(async () => (await store.get(acct, 'stepping-out'))?.connections === 0);

      let snapshot: unknown;
      const adminToken = await t.token({ sub: 'late-admin', accountId: acct, role: 'admin' });
      await t.connect({ token: adminToken, before: (s) => s.once(S.presence_snapshot.name, (p) => (snapshot = p)) });
      await until(() => snapshot !== undefined, 2_000, 'presence_snapshot');
      expect(snapshot).toEqual({ accountId: acct, statuses: { here: 'online', 'stepping-out': 'online', 'late-admin': 'online' } });
    });

    it('gives each new staff connection the snapshot of now, kept between moves and renewed by each one', async () => {
      const acct = uniqueAccountId();
      const snapshotOf = async (sub: string) => {
        let snapshot: { statuses: Record<string, string> } | undefined;
        const token = await t.token({ sub, accountId: acct, role: 'admin' });
        const s = await t.connect({ token, before: (c) => c.once(S.presence_snapshot.name, (p) => (snapshot = p)) });
        await until(() => snapshot !== undefined, 2_000, 'presence_snapshot');
        return { socket: s, statuses: snapshot!.statuses };
      };
      const first = await snapshotOf('look-1');
      expect(first.statuses).toEqual({ 'look-1': 'online' });
      // Nothing moved: the same state (kept, on one node).
      expect((await snapshotOf('look-2')).statuses).toEqual({ 'look-1': 'online', 'look-2': 'online' });
      const agent = await t.connect({ token: await agentToken(acct, 'mover') });
      await nextEvent(first.socket, S.agent_online.name, (p) => p.userId === 'mover');
      expect((await snapshotOf('look-3')).statuses).toMatchObject({ mover: 'online' });
      // Appearing offline leaves the agent out; online again puts it back.
      expect((await ask(agent, 'agent_offline')).ok).toBe(true);
      expect((await snapshotOf('look-4')).statuses).not.toHaveProperty('mover');
      expect((await ask(agent, 'agent_online')).ok).toBe(true);
      expect((await snapshotOf('look-5')).statuses).toMatchObject({ mover: 'online' });
      // Away and back inside the grace: no move, still online; gone past it: left out.
      agent.disconnect();
      const back = await t.connect({ token: await agentToken(acct, 'mover') });
      expect((await snapshotOf('look-5b')).statuses).toMatchObject({ mover: 'online' });
      back.disconnect();
      await nextEvent(first.socket, S.agent_offline.name, (p) => p.userId === 'mover', GRACE_MS + 3_000);
      expect((await snapshotOf('look-6')).statuses).not.toHaveProperty('mover');
    });

    it('coalesces a status that goes and comes back inside the window into nothing', async () => {
      const acct = uniqueAccountId();
      const watcher = await t.connect({ token: await t.token({ sub: 'admin', accountId: acct, role: 'admin' }) });
      const agent = await t.connect({ token: await agentToken(acct, 'flicker') });
      await nextEvent(watcher, S.agent_online.name, (p) => p.userId === 'flicker');
      const seen = presenceLog(watcher);
      await Promise.all([ask(agent, 'agent_offline'), ask(agent, 'agent_online')]);
      // About time: a later change of someone else goes out after the flicker's window closed.
      await sleep(COALESCE_MS);
      const other = nextEvent(watcher, S.agent_online.name, (p) => p.userId === 'sentinel');
      await t.connect({ token: await agentToken(acct, 'sentinel') });
      await other;
      expect(seen).toEqual([['online', 'sentinel']]);
    });

    it('says offline one way: after presence:status offline, presence:subscribe lists the user as offline (issue 11, item 8)', async () => {
      const acct = uniqueAccountId();
      const open = async (sub: string, role: 'agent' | 'admin') => {
        const s = io(t.url('/presence'), {
          transports: ['websocket'],
          forceNew: true,
          reconnection: false,
          auth: { token: await t.token({ sub, accountId: acct, role }) },
        });
        await new Promise<void>((resolve, reject) => {
          s.once('connect', () => resolve());
          s.once('connect_error', reject);
        });
        return s;
      };
      const watcher = await open('watcher', 'admin');
      const agent = await open('invisible', 'agent');
      try {
        // The agent's user row is written as its session starts: watch once the server knows it.
        await eventually(async () => (await ask(watcher, PC['presence:subscribe'], { userIds: ['invisible'] })).data.length > 0);
        const update = nextEvent(watcher, PS['presence:update'].name, (u) => u.userId === 'invisible' && u.status === 'offline');
        expect((await ask(agent, PC['presence:status'].name, { status: 'offline' })).ok).toBe(true);
        await update;
        const listed = await ask(watcher, PC['presence:subscribe'].name, { userIds: ['invisible'] });
        expect(listed.data).toEqual([{ userId: 'invisible', status: 'offline', lastSeen: expect.any(String) }]);
        expect(await t.sb().services.broadcast.isAgentOnline(acct, 'invisible')).toBe(false);
        // The chosen offline outlives a reconnect: still offline, and nothing is announced.
        const staff = await t.connect({ token: await t.token({ sub: 'staff', accountId: acct, role: 'admin' }) });
        const seen = presenceLog(staff);
        const sentinel = await t.connect({ token: await agentToken(acct, 'sentinel') });
        agent.disconnect();
        const again = await open('invisible', 'agent');
        expect((await ask(watcher, PC['presence:subscribe'].name, { userIds: ['invisible'] })).data?.[0].status).toBe('offline');
        again.disconnect();
        // The sentinel leaves after the invisible agent, so its grace ends later: once it is announced, the
        // invisible agent's grace has run out too, with nothing to say.
        sentinel.disconnect();
        await nextEvent(staff, S.agent_offline, (p) => p.userId === 'sentinel', GRACE_MS + 3_000);
        expect(seen.filter(([, id]) => id === 'invisible')).toEqual([]);
      } finally {
        watcher.disconnect();
        agent.disconnect();
      }
    }, 15_000);
  },
  { PRESENCE_GRACE_MS: GRACE_MS, PRESENCE_COALESCE_MS: COALESCE_MS, PRESENCE_TTL_MS: 600 },
);
