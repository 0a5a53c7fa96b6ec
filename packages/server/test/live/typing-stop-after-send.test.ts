import { expect, it } from 'vitest';

import { namespaceClients } from '../namespaces/namespace-clients';
import { uniqueAccountId } from '../support/databases';
import { ask, until } from '../support/events';
import { forEachServer, type ServerContext } from '../support/server';

const ROUNDS = 12;
const BURST = 4;

/** Whether an observer currently shows the typist as typing, from the events it heard. */
interface Indicator {
  typing: boolean;
  starts: number;
  /** Messages of the bursts the observer received. */
  messages: number;
}

async function people(t: ServerContext, prefix: string) {
  const accountId = uniqueAccountId(prefix);
  const customerToken = await t.token({ sub: `${prefix}-cust`, accountId, role: 'customer', name: 'Cust' });
  const agentToken = await t.token({ sub: `${prefix}-agent`, accountId, role: 'agent', name: 'Agent' });
  const conv = await t.http('POST', '/api/conversations', { token: customerToken, body: { subject: 'typing' } });
  expect(conv.status).toBe(201);
  return { accountId, customerToken, agentToken, conversationId: conv.body.id as string };
}

/**
 * Types, then sends a burst of messages at once (the observer's transport is busy writing them when
 * the stop follows), and checks the observer is told typing stopped. The timeout is far away, so
 * only the stop event itself can clear the indicator.
 */
async function typeAndSendRounds(
  indicator: Indicator,
  start: () => Promise<unknown>,
  send: (i: number) => Promise<{ ok: boolean }>,
): Promise<void> {
  for (let round = 0; round < ROUNDS; round++) {
    const startsBefore = indicator.starts;
    await start();
    await until(() => indicator.starts > startsBefore && indicator.typing, 5_000, `typing shown in round ${round}`);
    const acks = await Promise.all(Array.from({ length: BURST }, (_, i) => send(round * BURST + i)));
    expect(acks.every((a) => a.ok)).toBe(true);
    await until(() => !indicator.typing, 5_000, `typing cleared after the send in round ${round}`);
    // The next start is volatile: let the observer's transport drain the burst first, or it may rightly drop it.
    await until(() => indicator.messages >= (round + 1) * BURST, 5_000, `the burst of round ${round}`);
  }
}

forEachServer(
  'typing stops when the typist sends, even with the transport busy',
  (t) => {
    const ns = namespaceClients(t);

    const vocabularies = [
      { name: 'default', auth: {}, start: 'typing_start', stop: 'typing_stop', message: 'new_message' },
      { name: 'portal', auth: { dialect: 'portal' }, start: 'typing:start', stop: 'typing:stop', message: 'message:new' },
    ];
    for (const v of vocabularies) {
      it(`${v.name} vocabulary: ${v.stop} reaches the observer after every send`, async () => {
        const p = await people(t, `ts${v.name}`);
        const customer = await t.connect({ token: p.customerToken });
        const agent = await t.connect({ token: p.agentToken, auth: v.auth });
        for (const s of [customer, agent]) expect((await ask(s, 'join_conversation', p.conversationId)).ok).toBe(true);
        const indicator: Indicator = { typing: false, starts: 0, messages: 0 };
        agent.on(v.message, () => indicator.messages++);
        agent.on(v.start, () => Object.assign(indicator, { typing: true, starts: indicator.starts + 1 }));
        agent.on(v.stop, () => (indicator.typing = false));
        await typeAndSendRounds(
          indicator,
          () => ask(customer, 'typing_start', { conversationId: p.conversationId }),
          (i) => ask(customer, 'send_message', { conversationId: p.conversationId, content: `m${i}` }),
        );
      });
    }

    it('/chat: chat:typing isTyping false reaches the observer after every chat:message', async () => {
      const p = await people(t, 'tsc');
      const customer = await ns.open('chat', p.customerToken);
      const agent = await ns.open('chat', p.agentToken);
      for (const s of [customer, agent]) expect((await ask(s, 'chat:join', { conversationId: p.conversationId })).ok).toBe(true);
      const indicator: Indicator = { typing: false, starts: 0, messages: 0 };
      agent.on('chat:message', () => indicator.messages++);
      agent.on('chat:typing', (e: { isTyping: boolean }) => {
        if (e.isTyping) Object.assign(indicator, { typing: true, starts: indicator.starts + 1 });
        else indicator.typing = false;
      });
      await typeAndSendRounds(
        indicator,
        () => ask(customer, 'chat:typing', { conversationId: p.conversationId, isTyping: true }),
        (i) => ask(customer, 'chat:message', { conversationId: p.conversationId, content: `m${i}` }),
      );
    });
  },
  { TYPING_TIMEOUT_MS: 60_000, RATE_LIMIT_POINTS: 10_000 },
);
