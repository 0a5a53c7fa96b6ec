/// <reference lib="dom" />
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { buildWeb } from '../../../../scripts/build-web';
import { DefaultOut } from '../../src/index';
import { connected, newClient } from '../support/clients';
import { type RestartableServer, startRestartableServer } from '../support/restartable-server';
import { chromiumAvailable, IN_CI, launchChromium } from './support/chromium';
import { screenshot } from './support/screenshots';

/*
 * An agent's working day in the dashboard (issue 16), as built by `npm run build:web`, against a
 * real Switchboard, in Debian's chromium: three customers under their names, unread counts that
 * the server keeps, search, private notes the customer's widget never shows, keyboard shortcuts,
 * the phone layout and the connection state when the server goes away.
 */
describe.skipIf(!chromiumAvailable && !IN_CI)('the inbox an agent works in all day, in a real browser', () => {
  let server: RestartableServer;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  const errors: string[] = [];
  const poll = { timeout: 15_000, interval: 100 };
  const TENANT = 'workday';
  const agentClaims = { sub: 'ana', accountId: TENANT, role: 'agent' as const, name: 'Ana Alvarez', email: 'ana@shop.example' };
  const customers = {
    maria: {
      sub: 'cust-maria',
      name: 'Maria Garcia',
      email: 'maria@example.com',
      first: 'Hi, my parcel shows delivered but it is not here.',
    },
    john: {
      sub: 'cust-john',
      name: 'John Smith',
      email: 'john@example.com',
      first: 'I would like a refund for order 5521, the zip broke.',
    },
    li: { sub: 'cust-li', name: 'Li Wei', email: 'li.wei@example.com', first: 'Do you ship to Singapore?' },
  };
  const conversationOf: Record<string, string> = {};
  let agent: Page;
  let agentToken: string;

  async function newPage(viewport = { width: 1280, height: 800 }): Promise<Page> {
    const context = await browser.newContext({ viewport });
    contexts.push(context);
    const page = await context.newPage();
    page.on('pageerror', (err) => errors.push(`${page.url()}: ${err.message}`));
    return page;
  }

  async function call<T>(token: string, method: string, path: string, body?: unknown): Promise<T> {
    const res = await fetch(`${server.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  }

  const customerToken = (who: keyof typeof customers) => {
    const c = customers[who];
    return server.token({ sub: c.sub, accountId: TENANT, role: 'customer', name: c.name, email: c.email });
  };
  const say = async (who: keyof typeof customers, content: string) =>
    call<{ id: string }>(await customerToken(who), 'POST', `/api/conversations/${conversationOf[who]}/messages`, { content });

  /** Signs the agent in through the redirect flow (`#token=`), as a host app would. */
  async function signIn(page: Page, next = '/'): Promise<void> {
    await page.goto(`${server.url}/#token=${encodeURIComponent(agentToken)}&next=${encodeURIComponent(next)}`);
    await page.locator('[data-testid=connection][data-tone=green]').waitFor({ timeout: 20_000 });
  }
  const row = (page: Page, who: keyof typeof customers) =>
    page.locator(`[data-testid=conversation-item][data-id="${conversationOf[who]}"]`);
  const badgeOf = async (page: Page, who: keyof typeof customers) => {
    const badge = row(page, who).locator('[data-testid=unread-badge]');
    return (await badge.count()) ? await badge.textContent() : '0';
  };
  const openRoute = (page: Page) => page.evaluate(() => location.hash);

  beforeAll(async () => {
    const failed = await buildWeb({ onlyMissing: true, quiet: true });
    if (failed.length) throw new Error(`could not build ${failed.join(', ')}`);
    server = await startRestartableServer({ demo: false });
    browser = await launchChromium();
    agentToken = await server.token(agentClaims);
    // Three customers write before the agent signs in: their messages wait, unread, on the server.
    for (const who of ['li', 'john', 'maria'] as const) {
      const token = await customerToken(who);
      const c = await call<{ id: string }>(token, 'POST', '/api/conversations', { channelType: 'web' });
      conversationOf[who] = c.id;
      await say(who, customers[who].first);
    }
  }, 180_000);

  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
    await server?.dispose();
  }, 60_000);

  it('lists three customers under their names, with initials, channel and last-message preview', async () => {
    agent = await newPage();
    await signIn(agent);
    await expect.poll(() => agent.locator('[data-testid=conversation-item]').count(), poll).toBe(3);
    const names = await agent.locator('[data-testid=conversation-name]').allTextContents();
    // Newest activity first: Maria wrote last.
    expect(names).toEqual(['Maria Garcia', 'John Smith', 'Li Wei']);
    for (const who of ['maria', 'john', 'li'] as const) {
      expect(await row(agent, who).locator('[data-testid=conversation-preview]').textContent()).toBe(customers[who].first);
      expect(await row(agent, who).textContent()).toContain('Website chat');
    }
    expect(await row(agent, 'maria').locator('.avatar').textContent()).toBe('MG');
    // Messages that came before the sign-in are unread, from the server's read positions.
    expect(await badgeOf(agent, 'maria')).toBe('1');
    expect(await row(agent, 'maria').locator('[data-testid=unread-badge]').getAttribute('aria-label')).toBe('1 unread');
    await expect.poll(() => agent.title(), poll).toBe('(3) Switchboard');
  }, 60_000);

  it('moves an unread count live, and keeps it across a reload and on another device', async () => {
    await say('li', 'Also, is shipping free over 50 dollars?');
    await expect.poll(() => badgeOf(agent, 'li'), poll).toBe('2');
    await expect
      .poll(() => row(agent, 'li').locator('[data-testid=conversation-preview]').textContent(), poll)
      .toBe('Also, is shipping free over 50 dollars?');
    await expect.poll(() => agent.title(), poll).toBe('(4) Switchboard');

    // Reading John's conversation moves the read position on the server.
    await row(agent, 'john').click();
    await expect.poll(() => agent.locator('[data-testid=conversation-title]').textContent(), poll).toBe('John Smith');
    await expect.poll(() => agent.title(), poll).toBe('(3) Switchboard');
    await agent.evaluate(() => (location.hash = '#/'));
    await expect.poll(() => badgeOf(agent, 'john'), poll).toBe('0');

    await agent.reload();
    await agent.locator('[data-testid=connection][data-tone=green]').waitFor({ timeout: 20_000 });
    await expect.poll(() => agent.locator('[data-testid=conversation-item]').count(), poll).toBe(3);
    expect([await badgeOf(agent, 'maria'), await badgeOf(agent, 'john'), await badgeOf(agent, 'li')]).toEqual(['1', '0', '2']);

    const laptop = await newPage();
    await signIn(laptop);
    await expect.poll(() => laptop.locator('[data-testid=conversation-item]').count(), poll).toBe(3);
    expect([await badgeOf(laptop, 'maria'), await badgeOf(laptop, 'john'), await badgeOf(laptop, 'li')]).toEqual(['1', '0', '2']);
    await expect.poll(() => laptop.title(), poll).toBe('(3) Switchboard');
    await screenshot(agent, 'inbox-customers');
    await laptop.context().close();
  }, 90_000);

  it('finds a message by a word in it and opens the conversation at that message', async () => {
    await agent.locator('[data-testid=search-input]').fill('refund');
    await agent.locator('[data-testid=search-input]').press('Enter');
    const hit = agent.locator('[data-testid=search-hit]');
    await expect.poll(() => hit.count(), poll).toBe(1);
    expect(await hit.textContent()).toContain('John Smith');
    expect(await hit.textContent()).toContain('refund for order 5521');
    await screenshot(agent, 'search');
    await hit.click();
    const marked = agent.locator('[data-testid=message][data-highlighted=true]');
    await marked.waitFor({ timeout: 15_000 });
    expect(await marked.locator('.bubble-text').textContent()).toBe(customers.john.first);
    expect(await openRoute(agent)).toMatch(new RegExp(`^#/c/${conversationOf.john}/m/`));
    expect(await marked.evaluate((el) => el === document.activeElement)).toBe(true);
  }, 60_000);

  it('shows a private note to the team, set apart, and never in the customer widget, live or after a reload', async () => {
    const widget = await newPage({ width: 420, height: 760 });
    await widget.goto(`${server.url}/widget/demo?token=${encodeURIComponent(await customerToken('maria'))}`);
    const widgetTexts = () => widget.locator('[data-testid=widget-message] .sb-text').allTextContents();
    await expect.poll(widgetTexts, poll).toEqual([customers.maria.first]);

    await row(agent, 'maria').click();
    await expect.poll(() => agent.locator('[data-testid=conversation-title]').textContent(), poll).toBe('Maria Garcia');
    await agent.locator('[data-testid=mode-note]').click();
    expect(await agent.locator('form.composer').getAttribute('data-mode')).toBe('note');
    expect(await agent.locator('[data-testid=send]').textContent()).toBe('Add note');
    await agent.locator('[data-testid=composer]').fill('Courier confirmed a wrong drop-off: reship today. Do not mention the courier.');
    await agent.locator('[data-testid=composer]').press('Enter');
    await agent.locator('[data-testid=note]').waitFor({ timeout: 15_000 });
    expect(await agent.locator('[data-testid=note]').textContent()).toContain('Private note');
    await agent.locator('[data-testid=composer]').fill('Reship booked, tracking to follow.');
    await screenshot(agent, 'notes');
    await agent.locator('[data-testid=composer]').fill('');

    await agent.locator('[data-testid=mode-reply]').click();
    await agent.locator('[data-testid=composer]').fill('So sorry, Maria! We are sending a new parcel today.');
    await agent.locator('[data-testid=composer]').press('Enter');
    // The reply arrives; it was written after the note, so the note had every chance to arrive first.
    await expect.poll(widgetTexts, poll).toEqual([customers.maria.first, 'So sorry, Maria! We are sending a new parcel today.']);
    expect((await widget.content()).includes('courier')).toBe(false);
    await widget.reload();
    await expect.poll(widgetTexts, poll).toEqual([customers.maria.first, 'So sorry, Maria! We are sending a new parcel today.']);
    expect((await widget.content()).includes('courier')).toBe(false);
    await widget.context().close();
  }, 60_000);

  it('works from the keyboard: j and k move, r replies, e resolves, ? lists the shortcuts', async () => {
    await agent.evaluate(() => (location.hash = '#/'));
    await agent.locator('body').click({ position: { x: 700, y: 400 } });
    const order = await agent.locator('[data-testid=conversation-item]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-id')));
    await agent.keyboard.press('j');
    await expect.poll(() => openRoute(agent), poll).toBe(`#/c/${order[0]}`);
    await agent.keyboard.press('j');
    await expect.poll(() => openRoute(agent), poll).toBe(`#/c/${order[1]}`);
    await agent.keyboard.press('k');
    await expect.poll(() => openRoute(agent), poll).toBe(`#/c/${order[0]}`);

    await agent.keyboard.press('r');
    expect(await agent.evaluate(() => document.activeElement?.id)).toBe('composer-input');
    // In the reply box, j is a letter, not a command.
    await agent.keyboard.type('j');
    expect(await openRoute(agent)).toBe(`#/c/${order[0]}`);
    expect(await agent.locator('[data-testid=composer]').inputValue()).toBe('j');
    await agent.locator('[data-testid=composer]').fill('');
    await agent.keyboard.press('Escape');

    await agent.keyboard.press('?');
    const dialog = agent.locator('[data-testid=shortcuts]');
    await dialog.waitFor({ state: 'visible' });
    expect(await dialog.textContent()).toContain('Resolve the open conversation');
    await agent.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });

    await agent.keyboard.press('e');
    await expect.poll(() => agent.locator('[data-testid=status-select]').inputValue(), poll).toBe('RESOLVED');

    // Without the shortcuts too: Tab from the search box reaches the first row, Enter opens it.
    await agent.evaluate(() => (location.hash = '#/'));
    await agent.locator('[data-testid=search-input]').fill('');
    await agent.locator('[data-testid=search-input]').focus();
    await agent.keyboard.press('Tab');
    const focused = await agent.evaluate(() => document.activeElement?.getAttribute('data-id'));
    expect(focused).toBe(await agent.locator('[data-testid=conversation-item]').first().getAttribute('data-id'));
    await agent.keyboard.press('Enter');
    await expect.poll(() => openRoute(agent), poll).toBe(`#/c/${focused}`);
  }, 60_000);

  it('fits the conversation controls on one line at 1,024 px, and keeps the notifications panel whole', async () => {
    await agent.setViewportSize({ width: 1024, height: 768 });
    await agent.evaluate((id) => (location.hash = `#/c/${id}`), conversationOf.li);
    await agent.locator('[data-testid=status-select]').waitFor();
    const tops = await agent.locator('.controls > *').evaluateAll((els) => els.map((e) => Math.round(e.getBoundingClientRect().bottom)));
    expect(new Set(tops).size).toBe(1);
    // Nothing cut off at the right edge of the conversation's header, the list's header or the sidebar's buttons.
    for (const selector of ['.conversation-head', '.list-pane .pane-head', '.sidebar-footer .ghost']) {
      const fits = await agent
        .locator(selector)
        .first()
        .evaluate((el) => el.scrollWidth <= el.clientWidth && el.getClientRects().length === 1);
      expect(fits, selector).toBe(true);
    }
    expect(await agent.locator('[data-testid=show-shortcuts]').evaluate((el) => el.getBoundingClientRect().height < 44)).toBe(true);

    await agent.locator('[data-testid=bell]').click();
    const panel = agent.locator('[data-testid=notifications-panel]');
    await panel.waitFor();
    const whole = await panel.evaluate((el) => {
      const r = el.getBoundingClientRect();
      const inside = r.left >= 0 && r.top >= 0 && r.right <= innerWidth && r.bottom <= innerHeight;
      // Nothing covers it: the points near its corners belong to the panel.
      const corners = [
        [r.left + 4, r.top + 4],
        [r.right - 4, r.top + 4],
        [r.left + 4, r.bottom - 4],
        [r.right - 4, r.bottom - 4],
      ];
      return inside && corners.every(([x, y]) => el.contains(document.elementFromPoint(x as number, y as number)));
    });
    expect(whole).toBe(true);
    await agent.keyboard.press('Escape');
    await panel.waitFor({ state: 'detached' });
    await agent.setViewportSize({ width: 1280, height: 800 });
  }, 60_000);

  it('shows one pane at a time at 390 px: the list, then the conversation, and back', async () => {
    const phone = await newPage({ width: 390, height: 844 });
    await signIn(phone);
    const list = phone.locator('.list-pane');
    // The Open filter: the conversation resolved with `e` above is not among them.
    await expect.poll(() => phone.locator('[data-testid=conversation-item]').count(), poll).toBe(2);
    expect(await list.isVisible()).toBe(true);
    expect(await phone.locator('.empty-state').isVisible()).toBe(false);
    await screenshot(phone, 'mobile-list');

    await row(phone, 'li').click();
    await expect.poll(() => phone.locator('[data-testid=conversation-title]').textContent(), poll).toBe('Li Wei');
    expect(await list.isVisible()).toBe(false);
    const box = await phone.locator('.conversation').boundingBox();
    expect(box?.width).toBeGreaterThan(380);
    const noSideways = await phone.evaluate(() => document.documentElement.scrollWidth <= innerWidth);
    expect(noSideways).toBe(true);
    await screenshot(phone, 'mobile-conversation');

    await phone.locator('[data-testid=back-to-list]').click();
    await list.waitFor({ state: 'visible' });
    expect(await phone.locator('.conversation').count()).toBe(0);
    await phone.context().close();
  }, 60_000);

  it('shows the contact beside the conversation: email, channel and their other conversations', async () => {
    const token = await customerToken('maria');
    const second = await call<{ id: string }>(token, 'POST', '/api/conversations', { channelType: 'web' });
    await call(token, 'POST', `/api/conversations/${second.id}/messages`, { content: 'Second question: do you gift wrap?' });
    await expect.poll(() => agent.locator(`[data-testid=conversation-item][data-id="${second.id}"]`).count(), poll).toBe(1);

    await agent.evaluate((id) => (location.hash = `#/c/${id}`), conversationOf.maria);
    await agent.locator('[data-testid=contact-toggle]').click();
    const panel = agent.locator('[data-testid=contact-panel]');
    await panel.waitFor();
    expect(await panel.locator('[data-testid=contact-email]').textContent()).toBe('maria@example.com');
    expect(await panel.textContent()).toContain('Website chat');
    const others = panel.locator('[data-testid=contact-others] a');
    await expect.poll(() => others.count(), poll).toBe(1);
    // The row's preview follows the message a moment after the conversation itself appears.
    await expect.poll(() => others.textContent(), poll).toContain('Second question: do you gift wrap?');
    await screenshot(agent, 'contact-panel');
    await others.click();
    await expect.poll(() => openRoute(agent), poll).toBe(`#/c/${second.id}`);
  }, 60_000);

  it('raises sound and browser notifications only once turned on, for a new conversation and, while hidden, a message in my conversation', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, permissions: ['notifications'] });
    contexts.push(context);
    // Headless chromium never hides a tab, and what a notification showed is not readable from the
    // page: the page's own Notification and AudioContext are wrapped to record their use (they still
    // run), and visibilityState can be set to hidden as a tab switch would.
    await context.addInitScript(() => {
      const w = window as unknown as { shown: Array<{ title: string; body: string }>; chimes: number; hide: (h: boolean) => void };
      w.shown = [];
      w.chimes = 0;
      const Real = window.Notification;
      class Recorded extends Real {
        constructor(title: string, opts?: NotificationOptions) {
          super(title, opts);
          w.shown.push({ title, body: opts?.body ?? '' });
        }
      }
      Object.defineProperty(Recorded, 'permission', { get: () => Real.permission });
      Recorded.requestPermission = (...args) => Real.requestPermission(...args);
      window.Notification = Recorded;
      const create = AudioContext.prototype.createOscillator;
      AudioContext.prototype.createOscillator = function (this: AudioContext) {
        w.chimes++;
        return create.call(this);
      };
      let hidden = false;
      Object.defineProperty(document, 'visibilityState', { get: () => (hidden ? 'hidden' : 'visible') });
      w.hide = (h) => {
        hidden = h;
        document.dispatchEvent(new Event('visibilitychange'));
      };
    });
    const page = await context.newPage();
    page.on('pageerror', (err) => errors.push(`${page.url()}: ${err.message}`));
    await signIn(page);
    const recorded = () => page.evaluate(() => (window as unknown as { shown: Array<{ title: string; body: string }> }).shown);
    const chimes = () => page.evaluate(() => (window as unknown as { chimes: number }).chimes);
    const hide = (h: boolean) => page.evaluate((v) => (window as unknown as { hide: (h: boolean) => void }).hide(v), h);

    // Off by default: a new conversation is a toast, and nothing else.
    expect(await page.locator('[data-testid=alert-sound]').isChecked()).toBe(false);
    expect(await page.locator('[data-testid=alert-desktop]').isChecked()).toBe(false);
    const sam = await server.token({ sub: 'cust-sam', accountId: TENANT, role: 'customer', name: 'Sam Lee' });
    await hide(true);
    const first = await call<{ id: string }>(sam, 'POST', '/api/conversations', { channelType: 'web' });
    await call(sam, 'POST', `/api/conversations/${first.id}/messages`, { content: 'Hello?' });
    await page.locator('[data-testid=toast]', { hasText: 'Sam Lee' }).waitFor({ timeout: 15_000 });
    expect(await recorded()).toEqual([]);
    expect(await chimes()).toBe(0);
    await hide(false);

    await page.locator('[data-testid=alert-sound]').check();
    await page.locator('[data-testid=alert-desktop]').check();
    await expect.poll(() => page.locator('[data-testid=alert-desktop]').isChecked(), poll).toBe(true);
    const preview = await chimes();
    expect(preview).toBeGreaterThan(0);

    await hide(true);
    const second = await call<{ id: string }>(sam, 'POST', '/api/conversations', { channelType: 'web' });
    await call(sam, 'POST', `/api/conversations/${second.id}/messages`, { content: 'Anyone there?' });
    await expect.poll(recorded, poll).toEqual([{ title: 'New conversation', body: 'Sam Lee on Website chat' }]);
    await expect.poll(chimes, poll).toBeGreaterThan(preview);

    // Mine once assigned to me: a message in it while the tab is hidden is a notification of its own.
    await hide(false);
    await page.evaluate((id) => (location.hash = `#/c/${id}`), second.id);
    await page.locator('.controls .secondary', { hasText: 'Assign to me' }).click();
    await expect.poll(() => page.locator('[data-testid=assign-select]').inputValue(), poll).toBe('ana');
    await page.evaluate(() => (location.hash = '#/'));
    await hide(true);
    await call(sam, 'POST', `/api/conversations/${second.id}/messages`, { content: 'It is about my invoice.' });
    await expect.poll(async () => (await recorded()).slice(1), poll).toEqual([{ title: 'Sam Lee', body: 'It is about my invoice.' }]);

    // A lead assigns Sam's first conversation to Ana from elsewhere: that is news for Ana.
    const lead = newClient({
      url: server.url,
      token: await server.token({ sub: 'lead', accountId: TENANT, role: 'admin', name: 'Lee Lead' }),
      polling: false,
    });
    await connected(lead);
    await lead.request(DefaultOut.assign_conversation, { conversationId: first.id, agentId: 'ana' });
    await expect.poll(async () => (await recorded()).slice(2), poll).toEqual([{ title: 'Assigned to you', body: 'Sam Lee' }]);
    lead.destroy();
    await context.close();
  }, 60_000);

  it('shows the AI category and priority on the row and header, and a readable handoff banner that covers no control', async () => {
    const admin = await server.token({ sub: 'boss', accountId: TENANT, role: 'admin', name: 'Bo Boss' });
    await call(admin, 'PATCH', '/api/ai/settings', { enabled: true });
    await call(admin, 'POST', '/api/credits/topup', { amount: 100, ref: 'workday-test' });
    await call(admin, 'POST', '/api/ai/agents', { name: 'Ava', status: 'ACTIVE' });

    const priya = await server.token({ sub: 'cust-priya', accountId: TENANT, role: 'customer', name: 'Priya Patel' });
    const c = await call<{ id: string }>(priya, 'POST', '/api/conversations', { channelType: 'web' });
    await call(priya, 'POST', `/api/conversations/${c.id}/messages`, {
      content: 'I was charged twice for my subscription, I want a refund. Let me talk to a human please.',
    });
    const priyaRow = agent.locator(`[data-testid=conversation-item][data-id="${c.id}"]`);
    await expect
      .poll(() => priyaRow.locator('[data-testid=ai-chips]').textContent(), { timeout: 20_000, interval: 100 })
      .toBe('BillingHigh');
    await expect.poll(() => priyaRow.locator('.status-pill').textContent(), poll).toBe('Status: Handed off');

    await priyaRow.click();
    const banner = agent.locator('[data-testid=handoff-banner]');
    await banner.waitFor({ timeout: 15_000 });
    expect(await banner.textContent()).toContain('Handed over: the customer asked for a person');
    expect(await agent.locator('.conversation-head [data-testid=ai-chips]').textContent()).toBe('BillingHigh');
    const overlaps = await agent.evaluate(() => {
      const b = document.querySelector('[data-testid=handoff-banner]')?.getBoundingClientRect() as DOMRect;
      return [...document.querySelectorAll('.controls select, .controls button, [data-testid=composer], [data-testid=send]')].some((el) => {
        const r = el.getBoundingClientRect();
        return r.left < b.right && b.left < r.right && r.top < b.bottom && b.top < r.bottom;
      });
    });
    expect(overlaps).toBe(false);
    // Its code is said in words everywhere: no toast shows it raw.
    expect((await agent.locator('[data-testid=toast]').allTextContents()).join(' ')).not.toContain('human_requested');
    await screenshot(agent, 'handoff');
  }, 60_000);

  it('says in the conversation that the server is unreachable (not "polling"), greys the agent’s own dot, and recovers', async () => {
    await agent.evaluate((id) => (location.hash = `#/c/${id}`), conversationOf.li);
    await agent.locator('[data-testid=my-presence][data-status=online]').waitFor({ timeout: 15_000 });
    await server.stop();
    const notice = agent.locator('[data-testid=conversation-connection]');
    await agent.locator('[data-testid=conversation-connection][data-tone=red]').waitFor({ timeout: 20_000 });
    expect(await notice.textContent()).toContain('Server unreachable');
    expect(await notice.textContent()).not.toMatch(/polling|fetched every/);
    expect(await agent.locator('[data-testid=my-presence]').getAttribute('data-status')).toBe('disconnected');
    await screenshot(agent, 'conversation-offline');

    await server.start();
    await agent.locator('[data-testid=connection][data-tone=green]').waitFor({ timeout: 30_000 });
    await notice.waitFor({ state: 'detached' });
    await agent.locator('[data-testid=my-presence][data-status=online]').waitFor({ timeout: 15_000 });
    expect(errors).toEqual([]);
  }, 90_000);
});
