import { defaultServer as S } from '@switchboard/protocol';
import { expect, it } from 'vitest';

import { AI_WAIT, AiTenant } from '../support/ai-tenant';
import { ask, nextEvent, record } from '../support/events';
import { forEachServer } from '../support/server';

forEachServer(
  'labels: a tenant set, applied by agents and from the AI category, filterable, staff only',
  (t) => {
    it('admins keep the set; agents apply labels live to every agent; customers never see one', async () => {
      const tenant = await AiTenant.create(t, { enabled: false });
      const { admin, agent, customer, viewer } = tenant.tokens;
      expect((await tenant.call('POST', '/api/labels', { name: 'VIP' }, agent)).status).toBe(403);
      const vip = await tenant.ok('POST', '/api/labels', { name: 'VIP', color: '#aa00ff' });
      expect(vip).toMatchObject({ name: 'VIP', color: '#aa00ff', accountId: tenant.accountId });
      const refund = await tenant.ok('POST', '/api/labels', { name: 'Refund' });
      expect(refund.color).toMatch(/^#[0-9a-f]{6}$/);
      const dup = await tenant.call('POST', '/api/labels', { name: 'vip' });
      expect(dup.status).toBe(400);
      expect(dup.body.error.code).toBe('VALIDATION_FAILED');
      expect((await tenant.ok('GET', '/api/labels', undefined, agent)).labels.map((l: any) => l.name)).toEqual(['Refund', 'VIP']);
      expect((await tenant.call('GET', '/api/labels', undefined, customer)).status).toBe(403);

      const id = await tenant.conversation();
      const customerSocket = await tenant.socket('customer');
      expect((await ask(customerSocket, 'join_conversation', id)).ok).toBe(true);
      const customerPortal = await t.connect({ token: customer, auth: { dialect: 'portal' } });
      expect((await ask(customerPortal, 'join_conversation', id)).ok).toBe(true);
      const customerHeard = [record(customerSocket), record(customerPortal)];
      const otherAgent = await tenant.socket('agent2');
      const portalViewer = await t.connect({ token: viewer, auth: { dialect: 'portal' } });
      const live = nextEvent(otherAgent, S.conversation_labels_changed.name, (p) => p.conversationId === id);
      const livePortal = nextEvent(portalViewer, S.conversation_labels_changed.name, (p) => p.conversationId === id);

      // Viewers read, never write; customers never label.
      expect((await tenant.call('POST', `/api/conversations/${id}/labels`, { add: [vip.id] }, viewer)).status).toBe(403);
      expect((await tenant.call('POST', `/api/conversations/${id}/labels`, { add: [vip.id] }, customer)).status).toBe(403);
      const changed = await tenant.ok('POST', `/api/conversations/${id}/labels`, { add: [vip.id, refund.id] }, agent);
      expect(changed.labels.map((l: any) => l.name).sort()).toEqual(['Refund', 'VIP']);
      const heard = await live;
      expect(heard).toMatchObject({ conversationId: id, by: 'alex', removed: [] });
      expect(heard.added.sort()).toEqual([vip.id, refund.id].sort());
      expect((await livePortal).labels).toHaveLength(2);

      // Removing one; a repeated add changes nothing and is not announced.
      const removed = nextEvent(otherAgent, S.conversation_labels_changed.name, (p) => p.removed.length > 0);
      await tenant.ok('POST', `/api/conversations/${id}/labels`, { add: [vip.id], remove: [refund.id] }, admin);
      expect((await removed).labels.map((l: any) => l.name)).toEqual(['VIP']);

      expect((await tenant.ok('GET', `/api/conversations/${id}`, undefined, agent)).labels).toEqual([
        { id: vip.id, name: 'VIP', color: '#aa00ff' },
      ]);
      const own = await tenant.ok('GET', `/api/conversations/${id}`, undefined, customer);
      expect(own.labels).toBeUndefined();
      expect((await tenant.ok('GET', '/api/conversations', undefined, customer)).conversations[0].labels).toBeUndefined();
      expect((await tenant.call('GET', `/api/conversations?label=${vip.id}`, undefined, customer)).status).toBe(403);

      // A barrier the customer hears: anything published before it has arrived by then.
      const barrier = nextEvent(customerSocket, S.new_message.name, (p) => p.content === 'barrier');
      await tenant.ok('POST', `/api/conversations/${id}/messages`, { content: 'barrier' }, agent);
      await barrier;
      for (const log of customerHeard) {
        expect(log.length).toBeGreaterThan(0);
        expect(JSON.stringify(log)).not.toContain('VIP');
        expect(log.map((e) => e.event)).not.toContain(S.conversation_labels_changed.name);
      }
      const updates = await tenant.ok('GET', '/api/updates?since=0', undefined, customer);
      expect(JSON.stringify(updates)).not.toContain('VIP');

      // Deleting a label takes it off the conversation and tells staff the new set.
      const setChanged = nextEvent(otherAgent, S.labels_updated.name);
      expect((await tenant.call('DELETE', `/api/labels/${vip.id}`)).status).toBe(204);
      expect((await setChanged).labels.map((l: any) => l.name)).toEqual(['Refund']);
      expect((await tenant.ok('GET', `/api/conversations/${id}`, undefined, agent)).labels).toEqual([]);
    });

    it('labels of another tenant cannot be applied, and its conversations cannot be labelled', async () => {
      const a = await AiTenant.create(t, { enabled: false });
      const b = await AiTenant.create(t, { enabled: false });
      const bLabel = await b.ok('POST', '/api/labels', { name: 'Secret' });
      const aConv = await a.conversation();
      const foreign = await a.call('POST', `/api/conversations/${aConv}/labels`, { add: [bLabel.id] }, a.tokens.agent);
      expect(foreign.status).toBe(400);
      expect(foreign.body.error.details).toEqual({ labelIds: [bLabel.id] });
      expect((await b.call('POST', `/api/conversations/${aConv}/labels`, { add: [bLabel.id] }, b.tokens.agent)).status).toBe(404);
      expect((await a.ok('GET', '/api/labels')).labels).toEqual([]);
    });

    it('the inbox filters by label, status, assignee and team', async () => {
      const tenant = await AiTenant.create(t, { enabled: false });
      const { agent } = tenant.tokens;
      const urgent = await tenant.ok('POST', '/api/labels', { name: 'Urgent' });
      const open = async (body: Record<string, unknown>) => (await tenant.ok('POST', '/api/conversations', body, agent)).id as string;
      const [c1, c2, c3] = [await open({ contactId: 'casey' }), await open({ contactId: 'cam', teamId: 'billing' }), await open({})];
      await tenant.ok('POST', `/api/conversations/${c1}/labels`, { add: [urgent.id] }, agent);
      await tenant.ok('POST', `/api/conversations/${c3}/labels`, { add: [urgent.id] }, agent);
      const socket = await tenant.socket('agent');
      expect((await ask(socket, 'assign_conversation', { conversationId: c3, agentId: 'alex' })).ok).toBe(true);
      expect((await ask(socket, 'update_conversation_status', { conversationId: c1, status: 'RESOLVED' })).ok).toBe(true);

      const ids = async (query: string) =>
        ((await tenant.ok('GET', `/api/conversations?${query}`, undefined, agent)).conversations as any[]).map((c) => c.id).sort();
      expect(await ids(`label=${urgent.id}`)).toEqual([c1, c3].sort());
      expect(await ids(`label=${urgent.id}&status=RESOLVED`)).toEqual([c1]);
      expect(await ids('assignee=me')).toEqual([c3]);
      expect(await ids('assignee=alex')).toEqual([c3]);
      expect(await ids('assignee=none')).toEqual([c1, c2].sort());
      expect(await ids('team=billing')).toEqual([c2]);
      expect(await ids(`label=${urgent.id}&assignee=none`)).toEqual([c1]);
    });
  },
  {},
);

forEachServer(
  'labels from the AI category, and the triage on the inbox row',
  (t) => {
    it('a classified conversation carries a label named after its category, live to staff, with category and priority on list and header', async () => {
      const tenant = await AiTenant.create(t);
      const staff = await tenant.socket('agent');
      const id = await tenant.conversation();
      const labelled = nextEvent(staff, S.conversation_labels_changed.name, (p) => p.conversationId === id, AI_WAIT);
      const setChanged = nextEvent(staff, S.labels_updated.name, () => true, AI_WAIT);
      await tenant.say(id, 'URGENT: my card was charged twice and I want a refund.');
      const heard = await labelled;
      expect(heard.labels.map((l: any) => l.name)).toEqual(['billing']);
      expect(heard.by).toBeNull();
      expect((await setChanged).labels.map((l: any) => l.name)).toEqual(['billing']);

      const row = (await tenant.ok('GET', '/api/conversations', undefined, tenant.tokens.agent)).conversations.find(
        (c: any) => c.id === id,
      );
      expect(row.classification).toMatchObject({ category: 'billing', priority: 'urgent' });
      expect(row.labels.map((l: any) => l.name)).toEqual(['billing']);
      const header = await tenant.ok('GET', `/api/conversations/${id}`, undefined, tenant.tokens.agent);
      expect(header.classification).toMatchObject({ category: 'billing', priority: 'urgent' });
      // The customer's own read carries neither the AI's judgement nor the labels.
      const own = await tenant.ok('GET', `/api/conversations/${id}`, undefined, tenant.tokens.customer);
      expect(own.classification).toBeNull();
      expect(own.labels).toBeUndefined();

      // A second message of the same category labels nothing again; the label already exists.
      const done = nextEvent(staff, S.ai_processing_completed.name, (p) => p.conversationId === id, AI_WAIT);
      const seen = record(staff);
      await tenant.say(id, 'Also the invoice shows the wrong price.');
      await done;
      expect(seen.filter((e) => e.event === S.conversation_labels_changed.name)).toEqual([]);
      expect((await tenant.ok('GET', '/api/labels')).labels.map((l: any) => l.name)).toEqual(['billing']);
    });
  },
  { AI_JOB_POLL_MS: 200 },
  ['pglite'],
);
