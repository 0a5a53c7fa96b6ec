import { defaultClient as C } from '@switchboard/protocol';
import type { Socket as ClientSocket } from 'socket.io-client';
import { expect } from 'vitest';

import { ask, type EventName, eventually, record, settled } from '../support/events';
import type { ServerContext } from '../support/server';

export interface Cast {
  conversationId: string;
  customer: ClientSocket;
  agent: ClientSocket;
  agentElsewhere: ClientSocket;
  viewer: ClientSocket;
  otherCustomer: ClientSocket;
  otherTenant: ClientSocket;
  log: Map<string, Array<{ event: string; payload: any }>>;
  /** Names of the cast members that received `event` (optionally matching), sorted. */
  receivers(event: EventName, match?: (payload: any) => boolean): string[];
  /**
   * Waits until exactly `expected` (sorted names) have heard `event`: until they all have, then one
   * round trip on every member (`settled`), after which anyone else it was sent to has it too.
   * With `expected` empty it checks that nobody heard it of what the server had sent so far.
   */
  expectReceivers(event: EventName, expected: readonly string[], match?: (payload: any) => boolean): Promise<void>;
  /** A round trip on every member: what the server sent any of them before has arrived. */
  settled(): Promise<void>;
}

/**
 * A conversation with everyone who might hear of it: its customer and an agent
 * in the room, an agent and a viewer of the tenant who did not join, another
 * customer of the tenant, and an admin of another tenant.
 */
export async function cast(t: ServerContext, tenant: string, opts: { dialect?: string } = {}): Promise<Cast> {
  const auth = opts.dialect ? { dialect: opts.dialect } : {};
  const tok = (sub: string, role: 'admin' | 'agent' | 'viewer' | 'customer', accountId = tenant) =>
    t.token({ sub, accountId, role, name: sub });
  const customerToken = await tok(`${tenant}-cust`, 'customer');
  const conv = await t.http('POST', '/api/conversations', { token: customerToken, body: { subject: 'help' } });
  const conversationId = conv.body.id as string;
  const customer = await t.connect({ token: customerToken, auth });
  const agent = await t.connect({ token: await tok(`${tenant}-agent`, 'agent'), auth });
  const agentElsewhere = await t.connect({ token: await tok(`${tenant}-agent2`, 'agent'), auth });
  const viewer = await t.connect({ token: await tok(`${tenant}-viewer`, 'viewer'), auth });
  const otherCustomer = await t.connect({ token: await tok(`${tenant}-cust2`, 'customer'), auth });
  const otherTenant = await t.connect({ token: await tok(`${tenant}-intruder`, 'admin', `${tenant}-other`), auth });
  for (const s of [customer, agent]) {
    const res = await ask(s, C.join_conversation, conversationId);
    if (!res.ok) throw new Error(`join failed: ${JSON.stringify(res.error)}`);
  }
  const members = { customer, agent, agentElsewhere, viewer, otherCustomer, otherTenant };
  const log = new Map(Object.entries(members).map(([name, s]) => [name, record(s)]));
  const receivers = (event: EventName, match: (payload: any) => boolean = () => true) => {
    const name = typeof event === 'string' ? event : event.name;
    return [...log.entries()]
      .filter(([, seen]) => seen.some((e) => e.event === name && match(e.payload)))
      .map(([member]) => member)
      .sort();
  };
  const everyone = () => settled(...Object.values(members));
  return {
    conversationId,
    ...members,
    log,
    receivers,
    settled: everyone,
    async expectReceivers(event, expected, match) {
      await eventually(() => expect(receivers(event, match)).toEqual(expect.arrayContaining([...expected])));
      await everyone();
      expect(receivers(event, match)).toEqual([...expected].sort());
    },
  };
}
