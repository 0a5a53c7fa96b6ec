import type { Socket as ClientSocket } from 'socket.io-client';
import { expect } from 'vitest';

import { uniqueAccountId } from './databases';
import type { ServerContext } from './server';

/** How long tests wait for AI work: several transactions and a provider call, on a machine that may be busy. */
export const AI_WAIT = 10_000;

export interface KnowledgeSeed {
  kind: 'saved_reply' | 'article';
  title: string;
  body: string;
  url?: string;
}

export const HELP: KnowledgeSeed[] = [
  {
    kind: 'saved_reply',
    title: 'Reset your password',
    body: 'Open Settings, choose Security and click Reset password. The link we email you works for one hour.',
  },
  {
    kind: 'article',
    title: 'The app crashes on start',
    body: 'Some phones close the app at start. Update the app to the latest version and restart your phone. If it still crashes, reinstall it.',
    url: 'https://help.example.test/crash',
  },
  {
    kind: 'saved_reply',
    title: 'Refunds',
    body: 'We refund any charge within 30 days. Reply with your invoice number and we will take care of it.',
  },
];

export interface AiTenantOptions {
  /** AI switched on for the tenant (default true). */
  enabled?: boolean;
  /** Credits topped up at the start (default 100; 0 for none). */
  credits?: number;
  /** An ACTIVE AI agent answering every conversation (default false). */
  aiAgent?: boolean;
  knowledge?: KnowledgeSeed[];
  handoff?: Record<string, unknown>;
}

/** A tenant with people of every role, and AI set up as asked. */
export class AiTenant {
  readonly accountId = uniqueAccountId('ai');
  tokens!: { admin: string; agent: string; agent2: string; viewer: string; customer: string; customer2: string };
  aiAgentId: string | null = null;

  private constructor(private readonly t: ServerContext) {}

  static async create(t: ServerContext, opts: AiTenantOptions = {}): Promise<AiTenant> {
    const tenant = new AiTenant(t);
    const a = tenant.accountId;
    tenant.tokens = {
      admin: await t.token({ sub: 'ada', accountId: a, role: 'admin', name: 'Ada', teamIds: ['support'] }),
      agent: await t.token({ sub: 'alex', accountId: a, role: 'agent', name: 'Alex', teamIds: ['support'] }),
      agent2: await t.token({ sub: 'blair', accountId: a, role: 'agent', name: 'Blair', teamIds: ['support'] }),
      viewer: await t.token({ sub: 'vic', accountId: a, role: 'viewer', name: 'Vic' }),
      customer: await t.token({ sub: 'casey', accountId: a, role: 'customer', name: 'Casey' }),
      customer2: await t.token({ sub: 'cam', accountId: a, role: 'customer', name: 'Cam' }),
    };
    // People become users of the tenant with their first request; handoff destinations are checked against them.
    for (const token of [tenant.tokens.agent, tenant.tokens.agent2, tenant.tokens.viewer])
      await tenant.ok('GET', '/api/ai/settings', undefined, token);
    await tenant.ok('PATCH', '/api/ai/settings', { enabled: opts.enabled ?? true, ...(opts.handoff ? { handoff: opts.handoff } : {}) });
    const credits = opts.credits ?? 100;
    if (credits > 0) await tenant.ok('POST', '/api/credits/topup', { amount: credits });
    for (const k of opts.knowledge ?? []) await tenant.ok('POST', '/api/ai/knowledge', k);
    if (opts.aiAgent) tenant.aiAgentId = (await tenant.ok('POST', '/api/ai/agents', { name: 'Aria', status: 'ACTIVE' })).id;
    return tenant;
  }

  /** An HTTP call as `token` (the admin by default). */
  call(method: string, path: string, body?: unknown, token = this.tokens.admin) {
    return this.t.http(method, path, { token, ...(body === undefined ? {} : { body }) });
  }

  /** Like call, and expects a 2xx. */
  async ok(method: string, path: string, body?: unknown, token = this.tokens.admin): Promise<any> {
    const res = await this.call(method, path, body, token);
    expect(res.status, `${method} ${path}: ${JSON.stringify(res.body)}`).toBeLessThan(300);
    return res.body;
  }

  /** A conversation the customer opened. */
  async conversation(customer: 'customer' | 'customer2' = 'customer'): Promise<string> {
    return (await this.ok('POST', '/api/conversations', { subject: 'Help' }, this.tokens[customer])).id;
  }

  /** The customer writes; resolves with the stored message. */
  say(conversationId: string, content: string, customer: 'customer' | 'customer2' = 'customer'): Promise<any> {
    return this.ok('POST', `/api/conversations/${conversationId}/messages`, { content }, this.tokens[customer]);
  }

  socket(who: keyof AiTenant['tokens']): Promise<ClientSocket> {
    return this.t.connect({ token: this.tokens[who] });
  }

  async messages(conversationId: string): Promise<any[]> {
    return (await this.ok('GET', `/api/conversations/${conversationId}/messages?limit=100`)).messages;
  }

  async credits(): Promise<{ balance: number; ledger: Array<{ delta: number; reason: string; ref: string; balanceAfter: number }> }> {
    return this.ok('GET', '/api/credits?limit=100');
  }

  streamUrl(conversationId: string): string {
    return this.t.url(`/api/conversations/${conversationId}/stream`);
  }
}
