import { defaultClient as C, defaultServer as S, type EventDef } from '@switchboard/protocol';
import type { Socket as ClientSocket } from 'socket.io-client';
import { expect, it } from 'vitest';

import { AI_WAIT, AiTenant } from '../support/ai-tenant';
import { uniqueAccountId } from '../support/databases';
import { ask, nextEvent, record } from '../support/events';
import { forEachServer } from '../support/server';

/** `sync` answers with a replay whose contract belongs to the replay work (issue 11, item 2). */
const NOT_EXERCISED = new Set<string>([C.sync.name]);

forEachServer('the catalogue against the live server', (t) => {
  it('every default-namespace client event acks exactly the data the catalogue declares', async () => {
    const accountId = uniqueAccountId('cat');
    const agentToken = await t.token({ sub: 'cat-agent', accountId, role: 'agent', name: 'Agent' });
    const customerToken = await t.token({ sub: 'cat-cust', accountId, role: 'customer' });
    const conversationId = (await t.http('POST', '/api/conversations', { token: customerToken, body: {} })).body.id as string;
    const agent = await t.connect({ token: agentToken });
    const customer = await t.connect({ token: customerToken });
    expect((await ask(customer, C.join_conversation.name, conversationId)).ok).toBe(true);

    const exercised = new Set<string>();
    const check = async (socket: ClientSocket, def: EventDef, payload?: unknown): Promise<any> => {
      exercised.add(def.name);
      const res = await ask(socket, def.name, payload);
      expect(res, `${def.name}: ${JSON.stringify(res.error)}`).toMatchObject({ ok: true });
      if (def.ack) {
        const parsed = def.ack.safeParse(res.data);
        expect(parsed.success, `${def.name} acked ${JSON.stringify(res.data)}, not its declared ack`).toBe(true);
      } else {
        expect(res.data, `${def.name} acks data the catalogue does not declare`).toBeUndefined();
      }
      return res.data;
    };

    await check(agent, C.authenticate, { token: agentToken });
    expect(await check(agent, C.join_conversation, conversationId)).toEqual({ conversationId });
    await check(agent, C.typing_start, { conversationId });
    await check(agent, C.typing_stop, { conversationId });
    const message = await check(agent, C.send_message, { conversationId, content: 'hello' });
    await check(customer, C.mark_delivered, { conversationId, messageId: message.id });
    await check(customer, C.mark_read, { conversationId, messageId: message.id });
    await check(agent, C.agent_online);
    await check(agent, C.agent_offline);
    await check(agent, C.update_conversation_status, { conversationId, status: 'PENDING' });
    await check(agent, C.assign_conversation, { conversationId, agentId: 'cat-agent' });
    await check(agent, C.unassign_conversation, { conversationId });
    await check(agent, C.ping, { timestamp: Date.now() });
    await check(agent, C['token:update'], { token: await t.token({ sub: 'cat-agent', accountId, role: 'agent', name: 'Agent' }, 7_200) });
    expect(await check(agent, C.leave_conversation, { conversationId })).toEqual({ conversationId });

    const missed = Object.keys(C).filter((name) => !exercised.has(name) && !NOT_EXERCISED.has(name));
    expect(missed, 'client events this test does not exercise').toEqual([]);
  });

  it('AI processing events reach tenant staff only, as the catalogue declares, never the customer in the conversation', async () => {
    const AI = [S.ai_processing_started, S.ai_classification, S.ai_processing_completed];
    for (const def of AI) {
      expect(def.room).toMatch(/^tenant staff only/);
      expect(def.room).not.toContain('conversation:');
    }
    const tenant = await AiTenant.create(t);
    const admin = await tenant.socket('admin');
    const customer = await tenant.socket('customer');
    const id = await tenant.conversation();
    expect((await ask(customer, C.join_conversation.name, id)).ok).toBe(true);
    const staffSeen = record(admin);
    const customerSeen = record(customer);
    const completed = nextEvent(admin, S.ai_processing_completed.name, (p) => p.conversationId === id, AI_WAIT);
    const customerMessage = nextEvent(customer, S.new_message.name, (p) => p.conversationId === id);
    await tenant.say(id, 'My card was charged twice, please refund it.');
    await Promise.all([completed, customerMessage]);
    const names: string[] = AI.map((d) => d.name);
    expect(staffSeen.filter((e) => names.includes(e.event)).map((e) => e.event)).toEqual(names);
    expect(customerSeen.filter((e) => names.includes(e.event))).toEqual([]);
  });
});
