import { createHmac } from 'node:crypto';

import { expect, it } from 'vitest';

import { withinHours } from '../../src/domain/widget-service';
import { UsersRepo } from '../../src/storage/repos/users';
import { ENGINES } from '../support/databases';
import { ask, nextEvent, until } from '../support/events';
import { FileDatabases, forEachServer, type ServerContext } from '../support/server';

const SHOP = 'https://shop.example.com';
/** The blocks differ in configuration only, and each test has a tenant of its own: one database per engine for all. */
const databases = new FileDatabases();

/** An admin of `tenant` sets the widget up for SHOP and returns its settings. */
async function setUp(t: ServerContext, tenant: string, origins = [SHOP]) {
  const admin = await t.token({ sub: `${tenant}-admin`, accountId: tenant, role: 'admin' });
  const res = await t.http('PATCH', '/api/widget/settings', { token: admin, body: { origins } });
  expect(res.status).toBe(200);
  return { admin, settings: res.body as { publicKey: string; identitySecret: string; origins: string[] } };
}

const session = (t: ServerContext, body: Record<string, unknown>, origin: string | null = SHOP) =>
  t.http('POST', '/api/widget/sessions', { body, headers: origin ? { origin } : {} });

forEachServer(
  'widget sessions',
  (t) => {
    it('gives an admin the widget key and origins, and nobody else', async () => {
      const { admin, settings } = await setUp(t, 'ws-admin');
      expect(settings).toMatchObject({ publicKey: expect.stringMatching(/^wk_/), identitySecret: expect.any(String), origins: [SHOP] });
      expect((await t.http('GET', '/api/widget/settings', { token: admin })).body.publicKey).toBe(settings.publicKey);
      const agent = await t.token({ sub: 'ws-agent', accountId: 'ws-admin', role: 'agent' });
      expect((await t.http('GET', '/api/widget/settings', { token: agent })).status).toBe(403);
      expect((await t.http('GET', '/api/widget/settings')).body.error.code).toBe('MISSING_TOKEN');
      const bad = await t.http('PATCH', '/api/widget/settings', { token: admin, body: { origins: ['https://shop.example.com/path'] } });
      expect(bad.status).toBe(400);
      expect(bad.body.error.code).toBe('VALIDATION_FAILED');
      const rotated = await t.http('PATCH', '/api/widget/settings', { token: admin, body: { rotate: ['publicKey'] } });
      expect(rotated.body.publicKey).not.toBe(settings.publicKey);
      expect(rotated.body.origins).toEqual([SHOP]);
      expect((await session(t, { key: settings.publicKey })).body.error.code).toBe('AUTH_TOKEN_INVALID');
    });

    it('refuses missing and unknown keys, foreign origins and pages without an Origin', async () => {
      const { settings } = await setUp(t, 'ws-refuse');
      const missing = await session(t, {});
      expect([missing.status, missing.body.error.code]).toEqual([401, 'MISSING_TOKEN']);
      const unknown = await session(t, { key: 'wk_nope' });
      expect([unknown.status, unknown.body.error.code]).toEqual([401, 'AUTH_TOKEN_INVALID']);
      const foreign = await session(t, { key: settings.publicKey }, 'https://evil.example.com');
      expect([foreign.status, foreign.body.error.code, foreign.body.error.details.reason]).toEqual([
        403,
        'FORBIDDEN',
        'ORIGIN_NOT_ALLOWED',
      ]);
      expect((await session(t, { key: settings.publicKey }, null)).status).toBe(403);
      expect((await session(t, { key: settings.publicKey })).status).toBe(200);
    });

    it('lets an anonymous visitor chat with an agent and find the history again with its visitor id', async () => {
      const { settings } = await setUp(t, 'ws-anon');
      const first = (await session(t, { key: settings.publicKey })).body;
      expect(first).toMatchObject({ tenantId: 'ws-anon', visitorId: expect.stringMatching(/^v_/), identified: false });
      expect(first.customerId).toBe(first.visitorId);
      expect(first.expiresAt * 1000).toBeGreaterThan(Date.now() + 50_000);
      const conv = (await t.http('POST', '/api/conversations', { token: first.token, body: { subject: 'Website chat' } })).body;
      const visitor = await t.connect({ token: first.token, query: { tenantId: 'ws-anon', conversationId: conv.id } });
      expect((await ask(visitor, 'send_message', { conversationId: conv.id, content: 'Do you ship to Oslo?' })).ok).toBe(true);
      const agent = await t.connect({ token: await t.token({ sub: 'ws-anon-agent', accountId: 'ws-anon', role: 'agent' }) });
      await ask(agent, 'join_conversation', conv.id);
      const reply = nextEvent(visitor, 'outbound_message', (p) => p.text === 'Yes, we do.');
      expect((await ask(agent, 'send_message', { conversationId: conv.id, content: 'Yes, we do.' })).ok).toBe(true);
      await reply;

      // A reload: the same visitor id gives the same customer and so the same conversation and messages.
      const again = (await session(t, { key: settings.publicKey, visitorId: first.visitorId })).body;
      expect(again.customerId).toBe(first.customerId);
      const listed = (await t.http('GET', '/api/conversations', { token: again.token })).body.conversations;
      expect(listed.map((c: any) => c.id)).toEqual([conv.id]);
      const history = (await t.http('GET', `/api/conversations/${conv.id}/messages`, { token: again.token })).body.messages;
      expect(history.map((m: any) => m.content)).toEqual(['Do you ship to Oslo?', 'Yes, we do.']);
      // Another browser is another visitor and sees none of it.
      const stranger = (await session(t, { key: settings.publicKey })).body;
      expect(stranger.visitorId).not.toBe(first.visitorId);
      expect((await t.http('GET', `/api/conversations/${conv.id}`, { token: stranger.token })).status).toBe(403);
    });

    it('stores pre-chat answers on the contact, where agents see them, and keeps them for later sessions', async () => {
      const { settings } = await setUp(t, 'ws-pre');
      const s = (await session(t, { key: settings.publicKey, name: 'Ada Visitor', email: 'ada@example.com' })).body;
      expect(s.contact).toEqual({ name: 'Ada Visitor', email: 'ada@example.com' });
      const later = (await session(t, { key: settings.publicKey, visitorId: s.visitorId })).body;
      expect(later.contact).toEqual({ name: 'Ada Visitor', email: 'ada@example.com' });
      const contact = await new UsersRepo(t.sb().services.db).get('ws-pre', s.customerId);
      expect(contact).toMatchObject({ role: 'customer', name: 'Ada Visitor', email: 'ada@example.com' });
      expect((await session(t, { key: settings.publicKey, email: 'not-an-email' })).status).toBe(400);
    });

    it('merges a visitor into the customer a host vouches for with the user hash, and refuses a wrong hash', async () => {
      const { settings } = await setUp(t, 'ws-id');
      const anon = (await session(t, { key: settings.publicKey })).body;
      const conv = (await t.http('POST', '/api/conversations', { token: anon.token, body: {} })).body;
      await t.http('POST', `/api/conversations/${conv.id}/messages`, { token: anon.token, body: { content: 'before signing in' } });

      const wrong = await session(t, { key: settings.publicKey, visitorId: anon.visitorId, userId: 'user-42', userHash: 'ab'.repeat(32) });
      expect([wrong.status, wrong.body.error.details.reason]).toEqual([403, 'IDENTITY_NOT_VERIFIED']);
      const noHash = await session(t, { key: settings.publicKey, userId: 'user-42' });
      expect(noHash.status).toBe(403);

      const hash = createHmac('sha256', settings.identitySecret).update('user-42').digest('hex');
      const known = (await session(t, { key: settings.publicKey, visitorId: anon.visitorId, userId: 'user-42', userHash: hash })).body;
      expect(known).toMatchObject({ customerId: 'user-42', identified: true, merged: 1 });
      const history = (await t.http('GET', `/api/conversations/${conv.id}/messages`, { token: known.token })).body.messages;
      expect(history.map((m: any) => m.content)).toEqual(['before signing in']);
      // The host's own customer token for that user sees the same conversation.
      const hostToken = await t.token({ sub: 'user-42', accountId: 'ws-id', role: 'customer' });
      expect((await t.http('GET', '/api/conversations', { token: hostToken })).body.conversations.map((c: any) => c.id)).toEqual([conv.id]);
      // A staff id cannot be claimed through the widget, even with a valid hash.
      const admin = await t.token({ sub: 'ws-id-staff', accountId: 'ws-id', role: 'admin' });
      await t.http('GET', '/api/me', { token: admin });
      await t.http('POST', '/api/conversations', { token: admin, body: {} });
      const staffHash = createHmac('sha256', settings.identitySecret).update('ws-id-staff').digest('hex');
      expect((await session(t, { key: settings.publicKey, userId: 'ws-id-staff', userHash: staffHash })).status).toBe(403);
    });

    it('tells the customer whether anyone is online and who has the conversation, and nothing about others', async () => {
      const { admin, settings } = await setUp(t, 'ws-status');
      const s = (await session(t, { key: settings.publicKey })).body;
      const conv = (await t.http('POST', '/api/conversations', { token: s.token, body: {} })).body;
      const status = (q = `?conversationId=${conv.id}`) => t.http('GET', `/api/widget/status${q}`, { token: s.token });
      expect((await status()).body).toEqual({ online: false, assignee: null });
      const agentToken = await t.token({ sub: 'ws-status-agent', accountId: 'ws-status', role: 'agent', name: 'Alex Agent' });
      const agent = await t.connect({ token: agentToken });
      expect((await status()).body.online).toBe(true);
      const widget = await t.connect({ token: s.token, query: { tenantId: 'ws-status', conversationId: conv.id } });
      const assigned = nextEvent(widget, 'conversation_assigned');
      expect((await ask(agent, 'assign_conversation', { conversationId: conv.id, agentId: 'ws-status-agent' })).ok).toBe(true);
      expect((await assigned).agentId).toBe('ws-status-agent');
      expect((await status()).body).toEqual({ online: true, assignee: { id: 'ws-status-agent', name: 'Alex Agent' } });
      // Business hours: closed every day means "offline" even with the agent connected.
      const hours = (days: number[]) =>
        t.http('PATCH', '/api/widget/settings', {
          token: admin,
          body: { options: { hours: { timeZone: 'Europe/Oslo', days, from: '00:00', to: '24:00' } } },
        });
      expect((await hours([])).status).toBe(200);
      expect((await status()).body.online).toBe(false);
      await hours([0, 1, 2, 3, 4, 5, 6]);
      expect((await status()).body.online).toBe(true);
      const badZone = await t.http('PATCH', '/api/widget/settings', {
        token: admin,
        body: { options: { hours: { timeZone: 'Mars/Base', days: [1], from: '09:00', to: '17:00' } } },
      });
      expect(badZone.status).toBe(400);
      agent.disconnect();
      await until(async () => !(await status()).body.online);
      const other = (await session(t, { key: settings.publicKey })).body;
      expect((await t.http('GET', `/api/widget/status?conversationId=${conv.id}`, { token: other.token })).status).toBe(403);
    });

    it('renews the token on a live socket through token:refresh and token:update', async () => {
      const { settings } = await setUp(t, 'ws-refresh');
      const s = (await session(t, { key: settings.publicKey })).body;
      const conv = (await t.http('POST', '/api/conversations', { token: s.token, body: {} })).body;
      // TOKEN_REFRESH_LEAD_MS is just under the 60 s lifetime, so the server asks at once: listen before connecting.
      let refreshAsked!: Promise<unknown>;
      const socket = await t.connect({
        token: s.token,
        query: { tenantId: 'ws-refresh', conversationId: conv.id },
        before: (sock) => {
          refreshAsked = nextEvent(sock, 'token:refresh', () => true, 4_000);
        },
      });
      await refreshAsked;
      const renewed = (await session(t, { key: settings.publicKey, visitorId: s.visitorId })).body;
      expect((await ask(socket, 'token:update', { token: renewed.token })).ok).toBe(true);
      const other = (await session(t, { key: settings.publicKey })).body;
      expect((await ask(socket, 'token:update', { token: other.token })).error?.code).toBe('AUTH_TOKEN_INVALID');
    });
  },
  { WIDGET_TOKEN_TTL_S: 60, TOKEN_REFRESH_LEAD_MS: 59_000, WIDGET_SESSIONS_PER_IP: 1_000 },
  ENGINES,
  undefined,
  { databases, enginesAtOnce: true },
);

forEachServer(
  'widget session rate limits',
  (t) => {
    it('limits session creation per IP address, with retryAfterMs', async () => {
      const { settings } = await setUp(t, 'ws-rl');
      for (let i = 0; i < 3; i++) expect((await session(t, { key: settings.publicKey })).status).toBe(200);
      const limited = await session(t, { key: settings.publicKey });
      expect([limited.status, limited.body.error.code]).toEqual([429, 'RATE_LIMITED']);
      expect(limited.body.error.details.retryAfterMs).toBeGreaterThan(0);
      // Guessing keys spends the same allowance.
      expect((await session(t, { key: 'wk_guess' })).status).toBe(429);
    });
  },
  { WIDGET_SESSIONS_PER_IP: 3 },
  ENGINES,
  undefined,
  { databases },
);

forEachServer(
  'widget session rate limits per key',
  (t) => {
    it('limits session creation per widget key, whatever the address', async () => {
      const { settings } = await setUp(t, 'ws-rlk');
      const other = await setUp(t, 'ws-rlk2');
      for (let i = 0; i < 2; i++) expect((await session(t, { key: settings.publicKey })).status).toBe(200);
      const limited = await session(t, { key: settings.publicKey });
      expect([limited.status, limited.body.error.code]).toEqual([429, 'RATE_LIMITED']);
      expect(limited.body.error.details.retryAfterMs).toBeGreaterThan(0);
      expect((await session(t, { key: other.settings.publicKey })).status).toBe(200);
    });
  },
  { WIDGET_SESSIONS_PER_KEY: 2 },
  ENGINES,
  undefined,
  { databases },
);

it('counts business hours in the tenant’s time zone, `to` exclusive', () => {
  const week = { timeZone: 'Europe/Oslo', days: [1, 2, 3, 4, 5], from: '09:00', to: '17:00' };
  // Monday 2026-11-30 08:30 UTC is 09:30 in Oslo (UTC+1).
  expect(withinHours(week, new Date('2026-11-30T08:30:00Z'))).toBe(true);
  expect(withinHours(week, new Date('2026-11-30T07:59:00Z'))).toBe(false);
  expect(withinHours(week, new Date('2026-11-30T16:00:00Z'))).toBe(false);
  // Sunday.
  expect(withinHours(week, new Date('2026-11-29T10:00:00Z'))).toBe(false);
});
