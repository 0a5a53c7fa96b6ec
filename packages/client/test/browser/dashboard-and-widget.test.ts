/// <reference lib="dom" />
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type RestartableServer, startRestartableServer } from '../support/restartable-server';
import { chromiumAvailable, IN_CI, poll, releaseChromium, sharedChromium } from './support/chromium';
import { screenshot } from './support/screenshots';
import { webBuilt } from './support/web-build';

/*
 * The dashboard and the widget as built by `npm run build:web`, served by a
 * real Switchboard, driven in Debian's chromium: an agent in one browser
 * context, a customer in another, the way two people would use them.
 */
describe.skipIf(!chromiumAvailable && !IN_CI)('dashboard and widget in a real browser', () => {
  let server: RestartableServer;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  let agent: Page;
  let customer: Page;
  const errors: string[] = [];

  const agentTexts = () => agent.locator('[data-testid=messages] .bubble-text').allTextContents();
  const widgetTexts = () => customer.locator('[data-testid=widget-message] .sb-text').allTextContents();
  const lastAgentTicks = () =>
    agent.locator('[data-testid=message][data-role=HUMAN_AGENT] [data-testid=ticks]').last().getAttribute('data-status');
  const lastWidgetTicks = () => customer.locator('[data-testid=widget-ticks]').last().getAttribute('data-status');

  async function newPage(): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    contexts.push(context);
    const page = await context.newPage();
    page.on('pageerror', (err) => errors.push(`${page.url()}: ${err.message}`));
    return page;
  }

  async function sendFromWidget(text: string): Promise<void> {
    await customer.locator('[data-testid=widget-input]').fill(text);
    await customer.locator('[data-testid=widget-send]').click();
  }

  async function sendFromDashboard(text: string): Promise<void> {
    await agent.locator('[data-testid=composer]').fill(text);
    await agent.locator('[data-testid=composer]').press('Enter');
  }

  beforeAll(async () => {
    // The worker's browser, shared with its other files, starts meanwhile; the server with its demo tenant is this file's own.
    // Assigned as soon as it is up, so afterAll disposes of it even when the browser failed to start.
    const starting = webBuilt().then(async () => (server = await startRestartableServer({ demo: true })));
    [, browser] = await Promise.all([starting, sharedChromium()]);
  }, 120_000);

  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await releaseChromium();
    await server?.dispose();
  }, 60_000);

  it('signs an agent in with a demo account and connects the socket (RT-03)', async () => {
    agent = await newPage();
    await agent.goto(`${server.url}/`);
    await agent.locator('[data-testid=demo-login-agent]').waitFor();
    await screenshot(agent, 'login');
    await agent.locator('[data-testid=demo-login-agent]').click();
    await agent.locator('[data-testid=connection][data-tone=green]').waitFor();
  }, 60_000);

  it('shows a new conversation in the list, with a toast linking to it (RT-05)', async () => {
    const token = await server.token({ sub: 'browser-customer', accountId: 'demo', role: 'customer', name: 'Casey Customer' });
    customer = await newPage();
    await customer.goto(`${server.url}/widget/demo?new=true&token=${encodeURIComponent(token)}`);
    await customer.locator('[data-testid=widget-input]').waitFor();
    await sendFromWidget('Hello! My order #1042 has not arrived yet.');

    const toast = agent.locator('[data-testid=toast]', { hasText: 'New conversation' });
    await toast.waitFor();
    await expect.poll(() => agent.locator('[data-testid=conversation-item]').count(), poll).toBe(1);
    await expect.poll(() => agent.locator('[data-testid=unread-badge]').textContent(), poll).toBe('1');
    await screenshot(agent, 'inbox');
    await toast.locator('a').click();
    await expect.poll(agentTexts, poll).toEqual(['Hello! My order #1042 has not arrived yet.']);
  }, 60_000);

  it('lets the agent and the customer exchange messages live, with read ticks both ways (RT-06, RT-07)', async () => {
    // The agent has the conversation open and visible, so the customer's message is read at once.
    await expect.poll(lastWidgetTicks, poll).toBe('read');
    await sendFromDashboard('Sorry about that! Let me check the tracking for you.');
    await expect
      .poll(widgetTexts, poll)
      .toEqual(['Hello! My order #1042 has not arrived yet.', 'Sorry about that! Let me check the tracking for you.']);
    await sendFromWidget('Thank you!');
    await expect.poll(agentTexts, poll).toContain('Thank you!');
  }, 60_000);

  it('moves the ticks from sent to delivered to read as the customer gets and opens the message (RT-07)', async () => {
    await customer.locator('.sb-close').click();
    await customer.locator('[data-testid=widget-panel]').waitFor({ state: 'hidden' });
    // Record every status the agent's newest tick shows, from the moment the message is sent.
    await agent.evaluate(() => {
      const seen: string[] = [];
      (window as unknown as { tickLog: string[] }).tickLog = seen;
      const read = () => {
        const ticks = document.querySelectorAll('[data-testid=message][data-role=HUMAN_AGENT] [data-testid=ticks]');
        const status = ticks[ticks.length - 1]?.getAttribute('data-status');
        if (status && seen[seen.length - 1] !== status) seen.push(status);
      };
      new MutationObserver(read).observe(document.body, {
        subtree: true,
        childList: true,
        attributes: true,
        attributeFilter: ['data-status'],
      });
    });
    await sendFromDashboard('It shipped this morning: tracking number ZX-88.');
    await expect.poll(lastAgentTicks, poll).toBe('delivered');
    // About time: while the widget stays closed the ticks stay at delivered; nothing can signal "still not read".
    await new Promise((r) => setTimeout(r, 700));
    expect(await lastAgentTicks()).toBe('delivered');

    await customer.locator('[data-testid=widget-launcher]').click();
    await expect.poll(lastAgentTicks, poll).toBe('read');
    const log = await agent.evaluate(() => (window as unknown as { tickLog: string[] }).tickLog);
    const after = log.slice(log.lastIndexOf('pending') + 1);
    expect(after.filter((s) => s !== 'pending')).toEqual(['sent', 'delivered', 'read']);
    await screenshot(agent, 'conversation');
    await screenshot(customer, 'widget');
  }, 60_000);

  it('shows "Customer is typing…" and clears it when the customer stops (RT-08)', async () => {
    const typing = agent.locator('[data-testid=typing]');
    await customer.locator('[data-testid=widget-input]').pressSequentially('Is it insu', { delay: 60 });
    await expect.poll(() => typing.textContent(), poll).toBe('Customer is typing…');
    const shown = Date.now();
    await expect.poll(() => typing.textContent(), { ...poll, timeout: 8_000 }).toBe('');
    expect(Date.now() - shown).toBeLessThan(7_000);

    await agent.locator('[data-testid=composer]').pressSequentially('Yes', { delay: 60 });
    await expect.poll(() => customer.locator('[data-testid=widget-typing]').textContent(), poll).toMatch(/is typing…$/);
    await agent.locator('[data-testid=composer]').fill('');
    await customer.locator('[data-testid=widget-input]').fill('');
  }, 60_000);

  it('goes red while the server is down and green when it is back, losing no message; the widget shows its offline banner meanwhile', async () => {
    await server.stop();
    await agent.locator('[data-testid=connection][data-tone=red]').waitFor({ timeout: 15_000 });
    await customer.locator('[data-testid=offline-banner]').waitFor({ state: 'visible', timeout: 15_000 });
    await sendFromWidget('Are you still there?');
    await sendFromDashboard('Still here, one moment.');
    await screenshot(agent, 'disconnected');
    await screenshot(customer, 'widget-offline');

    await server.start();
    await agent.locator('[data-testid=connection][data-tone=green]').waitFor({ timeout: 20_000 });
    await customer.locator('[data-testid=offline-banner]').waitFor({ state: 'hidden', timeout: 20_000 });

    const all = [
      'Hello! My order #1042 has not arrived yet.',
      'Sorry about that! Let me check the tracking for you.',
      'Thank you!',
      'It shipped this morning: tracking number ZX-88.',
    ];
    // Both were written while the server was down; their order between the two sides depends on who reconnected first.
    await expect.poll(async () => (await agentTexts()).slice(0, 4), poll).toEqual(all);
    await expect.poll(async () => (await agentTexts()).slice(4).sort(), poll).toEqual(['Are you still there?', 'Still here, one moment.']);
    await expect.poll(async () => (await widgetTexts()).slice(4).sort(), poll).toEqual(['Are you still there?', 'Still here, one moment.']);
    expect((await widgetTexts()).slice(0, 4)).toEqual(all);
    await expect.poll(lastAgentTicks, poll).not.toBe('pending');
  }, 90_000);

  it('gives admins live metrics (RT-09)', async () => {
    const admin = await newPage();
    await admin.goto(`${server.url}/`);
    await admin.locator('[data-testid=demo-login-admin]').click();
    await admin.locator('[data-testid=connection][data-tone=green]').waitFor();
    await admin.goto(`${server.url}/#/metrics`);
    await expect.poll(() => admin.locator('[data-testid=active-count]').textContent(), poll).toBe('1');
    // For the screenshot only (and only when one is taken): the charts' transitions finish.
    await screenshot(admin, 'metrics', { settleMs: 1_500 });
    expect(errors).toEqual([]);
  }, 60_000);

  it('streams an assistant reply into the widget token by token over SSE, and the credit balance moves live (000)', async (ctx) => {
    const admin = await server.token({ sub: 'demo-admin', accountId: 'demo', role: 'admin', name: 'Ada Admin' });
    const call = (method: string, path: string, body: unknown) =>
      fetch(`${server.url}${path}`, {
        method,
        headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const enabled = await call('PATCH', '/api/ai/settings', { enabled: true });
    if (enabled.status === 404) {
      console.warn('[tests] this server has no AI routes yet: skipping the streamed assistant reply check');
      ctx.skip();
    }
    expect(enabled.ok).toBe(true);
    expect((await call('POST', '/api/credits/topup', { amount: 100, ref: 'browser-test' })).ok).toBe(true);
    expect((await call('POST', '/api/ai/agents', { name: 'Ava', status: 'ACTIVE' })).ok).toBe(true);
    const article = {
      kind: 'article',
      title: 'Returns',
      body: 'You can return unworn boots within 30 days for a full refund. Start a return from your order page.',
    };
    expect((await call('POST', '/api/ai/knowledge', article)).ok).toBe(true);
    await expect.poll(() => agent.locator('[data-testid=credit-balance]').textContent(), poll).toMatch(/^\d/);

    const token = await server.token({ sub: 'browser-customer-2', accountId: 'demo', role: 'customer', name: 'Robin' });
    const visitor = await newPage();
    await visitor.goto(`${server.url}/widget/demo?new=true&token=${encodeURIComponent(token)}`);
    await visitor.locator('[data-testid=widget-input]').waitFor();
    // Every render of a streaming bubble replaces its nodes; the records keep each version's text.
    await visitor.evaluate(() => {
      const drafts: string[] = [];
      (window as unknown as { drafts: string[] }).drafts = drafts;
      const root = document.querySelector('#switchboard-widget')?.shadowRoot as ShadowRoot;
      new MutationObserver((records) => {
        for (const r of records)
          for (const n of r.addedNodes) if (n instanceof Element && n.matches('.sb-streaming')) drafts.push(n.textContent ?? '');
      }).observe(root, { subtree: true, childList: true });
    });
    await visitor.locator('[data-testid=widget-input]').fill('Can I return boots I have not worn?');
    await visitor.locator('[data-testid=widget-send]').click();

    const reply = visitor
      .locator('[data-testid=widget-message]', { hasText: 'Assistant' })
      .filter({ hasNot: visitor.locator('.sb-streaming') });
    await reply.first().waitFor({ timeout: 30_000 });
    const final = (await reply.first().locator('.sb-text').textContent()) ?? '';
    expect(final).toMatch(/return/i);
    const drafts = await visitor.evaluate(() => (window as unknown as { drafts: string[] }).drafts);
    expect(drafts.length).toBeGreaterThan(1);
    expect(drafts.some((d) => d.length < final.length + 'Assistant'.length)).toBe(true);
    await expect.poll(() => agent.locator('[data-testid=credit-balance]').textContent(), poll).not.toBe('100');
    await screenshot(visitor, 'widget-assistant');
  }, 90_000);
});
