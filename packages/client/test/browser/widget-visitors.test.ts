/// <reference lib="dom" />
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { io, type Socket } from 'socket.io-client';
import { buildWeb } from '../../../../scripts/build-web';
import { startRestartableServer, type RestartableServer } from '../support/restartable-server';
import { IN_CI, chromiumAvailable, launchChromium } from './support/chromium';

/** A stand-in for a customer's website: one page with the widget's script tag, on its own origin. */
async function site(html: () => string): Promise<{ origin: string; server: Server }> {
  const server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html()));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { origin: `http://localhost:${(server.address() as AddressInfo).port}`, server };
}

/*
 * The widget on somebody else's website (issue 17): an anonymous visitor on a
 * page of an allowed origin, with nothing but the public widget key, chats with
 * an agent and finds the conversation again after a reload; a page of an origin
 * the tenant did not allow gets no session and so no widget.
 */
describe.skipIf(!chromiumAvailable && !IN_CI)('the widget for anonymous visitors in a real browser', () => {
  let server: RestartableServer;
  let browser: Browser;
  let context: BrowserContext;
  let shop: Awaited<ReturnType<typeof site>>;
  let foreign: Awaited<ReturnType<typeof site>>;
  let key = '';
  const agents: Socket[] = [];
  const poll = { timeout: 15_000, interval: 100 };
  const page = () => `<!doctype html><html lang="en"><head><meta name="viewport" content="width=device-width"><title>Shop</title></head>
    <body><h1>Trail shop</h1><script src="${server.url}/widget/switchboard-widget.js" data-key="${key}" data-open="true" async></script></body></html>`;

  beforeAll(async () => {
    const failed = await buildWeb({ onlyMissing: true, quiet: true });
    if (failed.length) throw new Error(`could not build ${failed.join(', ')}`);
    server = await startRestartableServer();
    shop = await site(page);
    foreign = await site(page);
    const admin = await server.token({ sub: 'site-admin', accountId: 'sites', role: 'admin' });
    const res = await fetch(`${server.url}/api/widget/settings`, { method: 'PATCH', headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' }, body: JSON.stringify({ origins: [shop.origin] }) });
    key = ((await res.json()) as { publicKey: string }).publicKey;
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  }, 120_000);

  afterAll(async () => {
    for (const a of agents) a.disconnect();
    await context?.close().catch(() => undefined);
    await browser?.close();
    for (const s of [shop, foreign]) s?.server.close();
    await server?.dispose();
  }, 60_000);

  const widgetTexts = (p: Page) => p.locator('[data-testid=widget-message] .sb-text').allTextContents();

  it('lets an anonymous visitor chat with an agent and see the history after a reload', async () => {
    const visitor = await context.newPage();
    const errors: string[] = [];
    visitor.on('pageerror', (err) => errors.push(err.message));
    await visitor.goto(`${shop.origin}/`);
    await visitor.locator('[data-testid=widget-input]').fill('Hi, do you ship tents to Oslo?');
    await visitor.locator('[data-testid=widget-send]').click();

    const agentToken = await server.token({ sub: 'site-agent', accountId: 'sites', role: 'agent' });
    const list = async () => ((await (await fetch(`${server.url}/api/conversations`, { headers: { authorization: `Bearer ${agentToken}` } })).json()) as { conversations: Array<{ id: string; contactId: string }> }).conversations;
    await expect.poll(async () => (await list()).length, poll).toBe(1);
    const [conversation] = await list();
    expect(conversation!.contactId).toMatch(/^v_/);
    const agent = io(server.url, { auth: { token: agentToken }, transports: ['websocket'] });
    agents.push(agent);
    await agent.emitWithAck('join_conversation', conversation!.id);
    expect((await agent.emitWithAck('send_message', { conversationId: conversation!.id, content: 'Yes! Two to three days.' })).ok).toBe(true);
    await expect.poll(() => widgetTexts(visitor), poll).toEqual(['Hi, do you ship tents to Oslo?', 'Yes! Two to three days.']);

    await visitor.reload();
    await expect.poll(() => widgetTexts(visitor), poll).toEqual(['Hi, do you ship tents to Oslo?', 'Yes! Two to three days.']);
    expect(await visitor.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('switchboard.visitor.')).length)).toBe(1);
    expect(errors).toEqual([]);
  }, 60_000);

  it('gives a page of a foreign origin no session and no widget', async () => {
    const stranger = await context.newPage();
    const consoleErrors: string[] = [];
    stranger.on('console', (m) => m.type() === 'error' && consoleErrors.push(m.text()));
    const refused = stranger.waitForResponse((r) => r.url().endsWith('/api/widget/sessions'));
    await stranger.goto(`${foreign.origin}/`);
    expect((await refused).status()).toBe(403);
    await expect.poll(() => consoleErrors.some((e) => e.includes('not allowed')), poll).toBe(true);
    expect(await stranger.locator('#switchboard-widget').count()).toBe(0);
  }, 60_000);
});
