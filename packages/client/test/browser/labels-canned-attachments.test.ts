/// <reference lib="dom" />
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type RestartableServer, startRestartableServer } from '../support/restartable-server';
import { chromiumAvailable, IN_CI, poll, releaseChromium, sharedChromium } from './support/chromium';
import { webBuilt } from './support/web-build';

/** A real 1x1 PNG. */
const PNG = Buffer.from(
  '89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c6360f8cfc0f01f0005000201a5f1a2e30000000049454e44ae426082',
  'hex',
);

/*
 * Issue 16 in the browser: a customer sends an image from the widget and the agent sees it in the
 * dashboard, while another tenant is refused it; the agent inserts a canned response with `/`,
 * its placeholder filled with the customer's name; labels and the inbox filter work live.
 */
describe.skipIf(!chromiumAvailable && !IN_CI)('labels, canned responses and attachments in a real browser', () => {
  let server: RestartableServer;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  let agent: Page;
  let customer: Page;
  const errors: string[] = [];

  async function newPage(): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    contexts.push(context);
    const page = await context.newPage();
    page.on('pageerror', (err) => errors.push(`${page.url()}: ${err.message}`));
    return page;
  }

  /** A fetch of the attachment from inside a page, with the given token: what a browser of that person gets. */
  const fetchAs = (page: Page, url: string, token: string) =>
    page.evaluate(async ([u, t]) => (await fetch(u!, { headers: { authorization: `Bearer ${t}` } })).status, [url, token]);

  beforeAll(async () => {
    // The worker's browser, shared with its other files, starts meanwhile; the server with its demo tenant is this file's own.
    // Assigned as soon as it is up, so afterAll disposes of it even when the browser failed to start.
    const starting = webBuilt().then(async () => (server = await startRestartableServer({ demo: true, ATTACHMENT_STORE: 'memory' })));
    [, browser] = await Promise.all([starting, sharedChromium()]);
  }, 120_000);

  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await releaseChromium();
    await server?.dispose();
  }, 60_000);

  it('an image a customer sends from the widget shows in the agent view and is refused to another tenant and another customer', async () => {
    const maria = await server.token({ sub: 'maria', accountId: 'demo', role: 'customer', name: 'Maria Garcia' });
    customer = await newPage();
    await customer.goto(`${server.url}/widget/demo?new=true&token=${encodeURIComponent(maria)}`);
    await customer.locator('[data-testid=widget-input]').fill('Hello, here is a screenshot');
    await customer.locator('[data-testid=widget-send]').click();
    await customer.locator('[data-testid=widget-attach]').waitFor();
    await customer.locator('.sb-composer input[type=file]').setInputFiles({ name: 'screen.png', mimeType: 'image/png', buffer: PNG });
    await expect.poll(() => customer.locator('[data-testid=widget-message] .sb-file').allTextContents(), poll).toEqual(['📎 screen.png']);

    agent = await newPage();
    await agent.goto(`${server.url}/`);
    await agent.locator('[data-testid=demo-login-agent]').click();
    await agent.locator('[data-testid=conversation-item]', { hasText: 'Maria Garcia' }).click();
    const image = agent.locator('[data-testid=attachment-image]');
    await image.waitFor();
    await expect.poll(() => image.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth), poll).toBe(1);
    expect(await image.getAttribute('alt')).toBe('screen.png');

    const conversationId = await agent.locator('[data-testid=conversation-item]', { hasText: 'Maria Garcia' }).getAttribute('data-id');
    const stored = await server
      .sb()
      .services.messages.list({ userId: 'demo-agent', accountId: 'demo', role: 'agent', teamIds: [] }, conversationId!, {});
    const attachmentId = stored.flatMap((m) => m.attachments ?? [])[0]!.id;
    const url = `${server.url}/api/attachments/${attachmentId}`;
    const otherTenant = await server.token({ sub: 'eve', accountId: 'globex', role: 'admin' });
    const otherCustomer = await server.token({ sub: 'john', accountId: 'demo', role: 'customer', name: 'John Smith' });
    expect(await fetchAs(customer, url, otherTenant)).toBe(404);
    expect(await fetchAs(customer, url, otherCustomer)).toBe(403);
    expect(await fetchAs(customer, url, maria)).toBe(200);
  }, 90_000);

  it('typing / lists the canned responses; Enter inserts one with the customer’s name filled in', async () => {
    const admin = await server.token({ sub: 'demo-admin', accountId: 'demo', role: 'admin' });
    for (const body of [
      { shortcut: 'greet', title: 'Greeting', content: 'Hi {{contact.firstName | there}}, {{agent.name}} here. How can I help?' },
      { shortcut: 'refund', title: 'Refund policy', content: 'Refunds take 5 days, {{contact.name}}.' },
    ]) {
      const res = await fetch(`${server.url}/api/canned-responses`, {
        method: 'POST',
        headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      expect(res.status).toBe(201);
    }
    const composer = agent.locator('[data-testid=composer]');
    await composer.fill('');
    await composer.pressSequentially('/');
    await expect.poll(() => agent.locator('[data-testid=canned-option]').count(), poll).toBe(2);
    await composer.press('ArrowDown');
    expect(await agent.locator('[data-testid=canned-option][aria-selected=true]').textContent()).toContain('/refund');
    await composer.press('ArrowUp');
    await composer.pressSequentially('gr');
    await expect.poll(() => agent.locator('[data-testid=canned-option]').count(), poll).toBe(1);
    await composer.press('Enter');
    await expect.poll(() => composer.inputValue(), poll).toBe('Hi Maria, Alex Agent here. How can I help?');
    await expect.poll(() => agent.locator('[data-testid=canned-menu]').count(), poll).toBe(0);
    await composer.press('Enter');
    await expect
      .poll(() => customer.locator('[data-testid=widget-message] .sb-text').allTextContents(), poll)
      .toContain('Hi Maria, Alex Agent here. How can I help?');
  }, 60_000);

  it('an admin keeps canned replies on their own page; a reply saved there is offered by / at once', async () => {
    const admin = await newPage();
    await admin.goto(`${server.url}/`);
    await admin.locator('[data-testid=demo-login-admin]').click();
    await admin.locator('[data-testid=nav-replies]').click();
    await admin.locator('[data-testid=canned-shortcut]').fill('/thanks');
    await admin.locator('[data-testid=canned-content]').fill('Thank you, {{contact.name}}!');
    await admin.locator('[data-testid=canned-save]').click();
    const thanks = admin.locator('[data-testid=canned-row]', { hasText: '/thanks' });
    await thanks.waitFor();
    // Edited in place: the shortcut stays, the text changes.
    await admin.getByRole('button', { name: 'Edit /thanks' }).click();
    await admin.locator('[data-testid=canned-content]').fill('Thanks a lot, {{contact.name}}!');
    await admin.locator('[data-testid=canned-save]').click();
    await expect.poll(() => thanks.textContent(), poll).toContain('Thanks a lot, {{contact.name}}!');
    // A shortcut that is taken is refused with the server's reason, and nothing changes.
    await admin.locator('[data-testid=canned-shortcut]').fill('thanks');
    await admin.locator('[data-testid=canned-content]').fill('Duplicate');
    await admin.locator('[data-testid=canned-save]').click();
    await admin.locator('.canned-form [role=alert]').waitFor();
    expect(await admin.locator('[data-testid=canned-row]', { hasText: '/thanks' }).count()).toBe(1);

    await admin.goto(`${server.url}/#/`);
    await admin.locator('[data-testid=conversation-item]', { hasText: 'Maria Garcia' }).click();
    const composer = admin.locator('[data-testid=composer]');
    await composer.pressSequentially('/thanks');
    await expect.poll(() => admin.locator('[data-testid=canned-option]').count(), poll).toBe(1);
    await composer.press('Enter');
    await expect.poll(() => composer.inputValue(), poll).toBe('Thanks a lot, Maria Garcia!');
    await composer.fill('');

    await admin.locator('[data-testid=nav-replies]').click();
    await admin.getByRole('button', { name: 'Delete /thanks' }).click();
    await expect.poll(() => admin.locator('[data-testid=canned-row]', { hasText: '/thanks' }).count(), poll).toBe(0);
    expect(errors).toEqual([]);
  }, 60_000);

  it('a label applied in one agent’s browser shows on the other’s row live, and the label filter narrows the inbox', async () => {
    const admin = await newPage();
    await admin.goto(`${server.url}/`);
    await admin.locator('[data-testid=demo-login-admin]').click();
    await admin.locator('[data-testid=conversation-item]', { hasText: 'Maria Garcia' }).click();
    await admin.locator('[data-testid=label-picker]').click();
    await admin.getByLabel('New label').fill('VIP');
    await admin.getByRole('button', { name: 'Add' }).click();
    const agentRow = agent.locator('[data-testid=conversation-item]', { hasText: 'Maria Garcia' });
    await expect.poll(() => agentRow.locator('[data-testid=label-chip]').allTextContents(), poll).toEqual(['Label: VIP']);
    const vip = await agent.locator('[data-testid=filter-label] option', { hasText: 'VIP' }).getAttribute('value');
    await agent.locator('[data-testid=filter-label]').selectOption(vip);
    await expect.poll(() => agent.locator('[data-testid=conversation-item]').count(), poll).toBe(1);
    await agent.locator('[data-testid=filter-status]').selectOption('RESOLVED');
    await expect.poll(() => agent.locator('[data-testid=conversation-item]').count(), poll).toBe(0);
    expect(errors).toEqual([]);
  }, 60_000);
});
