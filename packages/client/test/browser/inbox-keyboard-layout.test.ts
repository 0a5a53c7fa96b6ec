/// <reference lib="dom" />
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { DefaultOut } from '../../src/index';
import { connected, newClient } from '../support/clients';
import { chromiumAvailable, IN_CI } from './support/chromium';
import { screenshot } from './support/screenshots';
import { openRoute, poll, startWorkday, type Who, type Workday } from './support/workday';

/*
 * Issue 16's dashboard from the keyboard, at 1,024 and 390 px, with alerts, and with the server gone,
 * in Debian's chromium against a real Switchboard (the scene of support/workday.ts).
 */
describe.skipIf(!chromiumAvailable && !IN_CI)('the inbox by keyboard, on small screens, with alerts, offline', () => {
  let w: Workday;
  let agent: Page;
  const server = () => w.server;
  const row = (page: Page, who: Who) => w.row(page, who);

  beforeAll(async () => {
    w = await startWorkday();
    agent = await w.newPage();
    await w.signIn(agent);
    await agent.locator('[data-testid=conversation-item]').nth(2).waitFor({ timeout: 15_000 });
  }, 180_000);

  afterAll(async () => {
    await w?.dispose();
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

    // The route changes before the conversation pane has rendered its reply box: wait for the box, then press r.
    await agent.locator('#composer-input').waitFor();
    await agent.keyboard.press('r');
    await expect.poll(() => agent.evaluate(() => document.activeElement?.id), poll).toBe('composer-input');
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
    await agent.evaluate((id) => (location.hash = `#/c/${id}`), w.conversationOf.li);
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
    const phone = await w.newPage({ width: 390, height: 844 });
    await w.signIn(phone);
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

  it('raises sound and browser notifications only once turned on, for a new conversation and, while hidden, a message in my conversation', async () => {
    const context = await w.browser.newContext({ viewport: { width: 1280, height: 800 }, permissions: ['notifications'] });
    w.track(context);
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
    page.on('pageerror', (err) => w.errors.push(`${page.url()}: ${err.message}`));
    await w.signIn(page);
    const recorded = () => page.evaluate(() => (window as unknown as { shown: Array<{ title: string; body: string }> }).shown);
    const chimes = () => page.evaluate(() => (window as unknown as { chimes: number }).chimes);
    const hide = (h: boolean) => page.evaluate((v) => (window as unknown as { hide: (h: boolean) => void }).hide(v), h);

    // Off by default: a new conversation is a toast, and nothing else.
    expect(await page.locator('[data-testid=alert-sound]').isChecked()).toBe(false);
    expect(await page.locator('[data-testid=alert-desktop]').isChecked()).toBe(false);
    const sam = await server().token({ sub: 'cust-sam', accountId: w.tenant, role: 'customer', name: 'Sam Lee' });
    await hide(true);
    const first = await w.call<{ id: string }>(sam, 'POST', '/api/conversations', { channelType: 'web' });
    await w.call(sam, 'POST', `/api/conversations/${first.id}/messages`, { content: 'Hello?' });
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
    const second = await w.call<{ id: string }>(sam, 'POST', '/api/conversations', { channelType: 'web' });
    await w.call(sam, 'POST', `/api/conversations/${second.id}/messages`, { content: 'Anyone there?' });
    await expect.poll(recorded, poll).toEqual([{ title: 'New conversation', body: 'Sam Lee on Website chat' }]);
    await expect.poll(chimes, poll).toBeGreaterThan(preview);

    // Mine once assigned to me: a message in it while the tab is hidden is a notification of its own,
    // and counts in the tab's title even with the conversation open (nobody is reading it), until Ana is back.
    await hide(false);
    await page.evaluate((id) => (location.hash = `#/c/${id}`), second.id);
    await page.locator('.controls .secondary', { hasText: 'Assign to me' }).click();
    await expect.poll(() => page.locator('[data-testid=assign-select]').inputValue(), poll).toBe('ana');
    const waiting = async () => Number(/^\((\d+)\)/.exec(await page.title())?.[1] ?? 0);
    const before = await waiting();
    await hide(true);
    await w.call(sam, 'POST', `/api/conversations/${second.id}/messages`, { content: 'It is about my invoice.' });
    await expect.poll(async () => (await recorded()).slice(1), poll).toEqual([{ title: 'Sam Lee', body: 'It is about my invoice.' }]);
    expect(await waiting()).toBe(before + 1);
    await hide(false);
    await expect.poll(waiting, poll).toBe(before);
    await hide(true);

    // A lead assigns Sam's first conversation to Ana from elsewhere: that is news for Ana.
    const lead = newClient({
      url: server().url,
      token: await server().token({ sub: 'lead', accountId: w.tenant, role: 'admin', name: 'Lee Lead' }),
      polling: false,
    });
    await connected(lead);
    await lead.request(DefaultOut.assign_conversation, { conversationId: first.id, agentId: 'ana' });
    await expect.poll(async () => (await recorded()).slice(2), poll).toEqual([{ title: 'Assigned to you', body: 'Sam Lee' }]);
    lead.destroy();
    await context.close();
  }, 60_000);

  it('says in the conversation that the server is unreachable (not "polling"), greys the agent’s own dot, and recovers', async () => {
    await agent.evaluate((id) => (location.hash = `#/c/${id}`), w.conversationOf.li);
    await agent.locator('[data-testid=my-presence][data-status=online]').waitFor({ timeout: 15_000 });
    await server().stop();
    const notice = agent.locator('[data-testid=conversation-connection]');
    await agent.locator('[data-testid=conversation-connection][data-tone=red]').waitFor({ timeout: 20_000 });
    expect(await notice.textContent()).toContain('Server unreachable');
    expect(await notice.textContent()).not.toMatch(/polling|fetched every/);
    expect(await agent.locator('[data-testid=my-presence]').getAttribute('data-status')).toBe('disconnected');
    await screenshot(agent, 'conversation-offline');

    await server().start();
    await agent.locator('[data-testid=connection][data-tone=green]').waitFor({ timeout: 30_000 });
    await notice.waitFor({ state: 'detached' });
    await agent.locator('[data-testid=my-presence][data-status=online]').waitFor({ timeout: 15_000 });
    expect(w.errors).toEqual([]);
  }, 90_000);
});
