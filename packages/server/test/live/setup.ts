import type { Socket as ClientSocket } from 'socket.io-client';

import { ask, record } from '../support/events';
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
  receivers(event: string, match?: (payload: any) => boolean): string[];
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
    const res = await ask(s, 'join_conversation', conversationId);
    if (!res.ok) throw new Error(`join failed: ${JSON.stringify(res.error)}`);
  }
  const members = { customer, agent, agentElsewhere, viewer, otherCustomer, otherTenant };
  const log = new Map(Object.entries(members).map(([name, s]) => [name, record(s)]));
  return {
    conversationId,
    ...members,
    log,
    receivers(event, match = () => true) {
      return [...log.entries()]
        .filter(([, seen]) => seen.some((e) => e.event === event && match(e.payload)))
        .map(([name]) => name)
        .sort();
    },
  };
}
