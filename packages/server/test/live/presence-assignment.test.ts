import { defaultClient as C, defaultServer as S } from '@switchboard/protocol';
import { expect, it } from 'vitest';

import { ask, eventually, nextEvent, settled, until } from '../support/events';
import { forEachServer } from '../support/server';
import { cast } from './setup';

forEachServer('presence and assignment', (t) => {
  it('counts several tabs once: online at the first, offline at the last, with last seen stored', async () => {
    const watcher = await t.connect({ token: await t.token({ sub: 'pres-admin', accountId: 'pres', role: 'admin' }) });
    const seen: any[] = [];
    watcher.on(S.agent_online.name, (p) => seen.push(['online', p.userId]));
    watcher.on(S.agent_offline.name, (p) => seen.push(['offline', p.userId]));
    const token = await t.token({ sub: 'pres-agent', accountId: 'pres', role: 'agent' });
    const tab1 = await t.connect({ token });
    const tab2 = await t.connect({ token });
    await until(() => seen.length >= 1);
    expect(await t.sb().services.broadcast.isAgentOnline('pres', 'pres-agent')).toBe(true);
    expect((await t.sb().services.broadcast.getOnlineAgents('pres')).map((a) => a.userId).sort()).toEqual(['pres-admin', 'pres-agent']);
    tab1.disconnect();
    // Once the server has counted the tab out (no grace in these tests), an offline would be on its way.
    await eventually(async () => (await t.sb().cluster.presenceStore.get('pres', 'pres-agent'))?.connections === 1);
    await settled(watcher);
    expect(seen).toEqual([['online', 'pres-agent']]);
    tab2.disconnect();
    await until(() => seen.length === 2);
    expect(seen[1]).toEqual(['offline', 'pres-agent']);
    expect(await t.sb().services.broadcast.isAgentOnline('pres', 'pres-agent')).toBe(false);
    const status = await t.sb().services.presence.status('pres', 'pres-agent');
    expect(status.status).toBe('offline');
    expect(status.lastSeen).toEqual(expect.any(String));
  });

  it('agent_offline and agent_online change a connected agent’s status; customers may not', async () => {
    const admin = await t.connect({ token: await t.token({ sub: 'pres2-admin', accountId: 'pres2', role: 'admin' }) });
    const agent = await t.connect({ token: await t.token({ sub: 'pres2-agent', accountId: 'pres2', role: 'agent' }) });
    const off = nextEvent(admin, S.agent_offline, (p) => p.userId === 'pres2-agent');
    expect((await ask(agent, C.agent_offline)).ok).toBe(true);
    await off;
    const on = nextEvent(admin, S.agent_online, (p) => p.userId === 'pres2-agent');
    await ask(agent, C.agent_online);
    await on;
    const customer = await t.connect({ token: await t.token({ sub: 'pres2-c', accountId: 'pres2', role: 'customer' }) });
    expect((await ask(customer, C.agent_online)).error?.code).toBe('FORBIDDEN');
  });

  it('assigns: checks role and assignee, logs, and tells the assignee, the conversation and the tenant staff', async () => {
    const c = await cast(t, 'asg1');
    const res = await ask(c.agent, C.assign_conversation, { conversationId: c.conversationId, agentId: 'asg1-agent2' });
    expect(res.data).toMatchObject({ id: c.conversationId, assigneeId: 'asg1-agent2' });
    await c.expectReceivers(S.conversation_assigned, ['agent', 'agentElsewhere', 'customer', 'viewer']);
    const p = c.log.get('agentElsewhere')!.find((e) => e.event === S.conversation_assigned.name)!.payload;
    expect(p).toMatchObject({ conversationId: c.conversationId, agentId: 'asg1-agent2', previousAgentId: null, assignedBy: 'asg1-agent' });
    expect((await ask(c.agent, C.assign_conversation, { conversationId: c.conversationId, agentId: 'ghost' })).error?.code).toBe(
      'NOT_FOUND',
    );
    expect((await ask(c.agent, C.assign_conversation, { conversationId: c.conversationId, agentId: 'asg1-cust' })).error?.code).toBe(
      'NOT_FOUND',
    );
    expect((await ask(c.customer, C.assign_conversation, { conversationId: c.conversationId, agentId: 'asg1-agent' })).error?.code).toBe(
      'FORBIDDEN',
    );
    expect((await ask(c.viewer, C.assign_conversation, { conversationId: c.conversationId, agentId: 'asg1-agent' })).error?.code).toBe(
      'FORBIDDEN',
    );
    const un = await ask(c.agent, C.unassign_conversation, { conversationId: c.conversationId });
    expect(un.data.assigneeId).toBeNull();
    await c.expectReceivers(S.conversation_unassigned, ['agent', 'agentElsewhere', 'customer', 'viewer']);
  });

  it('broadcasts conversation_status_changed on every status change', async () => {
    const c = await cast(t, 'st1');
    for (const status of ['PENDING', 'HANDED_OFF', 'RESOLVED']) {
      const got = nextEvent(c.viewer, S.conversation_status_changed, (p) => p.status === status);
      expect((await ask(c.agent, C.update_conversation_status, { conversationId: c.conversationId, status })).data.status).toBe(status);
      expect(await got).toMatchObject({ conversationId: c.conversationId, status, updatedAt: expect.any(String) });
    }
    expect((await ask(c.agent, C.update_conversation_status, { conversationId: c.conversationId, status: 'CLOSED' })).error?.code).toBe(
      'VALIDATION_FAILED',
    );
    await c.expectReceivers(S.conversation_status_changed, ['agent', 'agentElsewhere', 'customer', 'viewer']);
    // A customer writing into a resolved conversation reopens it.
    const reopened = nextEvent(c.agent, S.conversation_status_changed, (p) => p.status === 'OPEN');
    await ask(c.customer, C.send_message, { conversationId: c.conversationId, content: 'one more thing' });
    await reopened;
  });

  it('raises 000’s backend events through the broadcast service to tenant staff only', async () => {
    const c = await cast(t, 'be1');
    const api = t.sb().services.broadcast;
    await api.handoffTriggered('be1', {
      conversationId: c.conversationId,
      handoffId: 'h1',
      trigger: 'LOW_CONFIDENCE',
      destination: 'team:billing',
      summary: 'Refund',
      agentId: null,
    });
    await api.agentStatusChanged('be1', 'bot-1', 'INACTIVE');
    await api.creditsUpdated('be1', { balance: 90, delta: -10, reason: 'AI_REPLY' });
    await api.emitToConversation(c.conversationId, 'order_shipped', { orderId: 'o1' });
    const staff = ['agent', 'agentElsewhere', 'viewer'];
    await c.expectReceivers(S.handoff_triggered, staff);
    await c.expectReceivers(S.agent_status_changed, staff);
    await c.expectReceivers(S.credits_updated, staff, (p) => p.balance === 90 && p.delta === -10 && p.reason === 'AI_REPLY');
    await c.expectReceivers('order_shipped', ['agent', 'customer']);
  });
});
