/// <reference lib="dom" />
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { chromiumAvailable, IN_CI } from './support/chromium';
import { screenshot } from './support/screenshots';
import { CUSTOMERS as customers, openRoute, poll, startWorkday, type Who, type Workday } from './support/workday';

/*
 * An agent's working day in the dashboard (issue 16), as built by `npm run build:web`, against a real
 * Switchboard, in Debian's chromium: three customers under their names, unread counts the server keeps,
 * search, private notes the customer's widget never shows, the contact panel, the AI's chips and handoff.
 * Keyboard, layouts, alerts and the connection state are in inbox-keyboard-layout.test.ts.
 */
describe.skipIf(!chromiumAvailable && !IN_CI)('the inbox an agent works in all day, in a real browser', () => {
  let w: Workday;
  let agent: Page;
  const server = () => w.server;
  const row = (page: Page, who: Who) => w.row(page, who);
  const badgeOf = (page: Page, who: Who) => w.badgeOf(page, who);

  beforeAll(async () => {
    w = await startWorkday();
  }, 180_000);

  afterAll(async () => {
    await w?.dispose();
  }, 60_000);

  it('lists three customers under their names, with initials, channel and last-message preview', async () => {
    agent = await w.newPage();
    await w.signIn(agent);
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
    await w.say('li', 'Also, is shipping free over 50 dollars?');
    await expect.poll(() => badgeOf(agent, 'li'), poll).toBe('2');
    await expect
      .poll(() => row(agent, 'li').locator('[data-testid=conversation-preview]').textContent(), poll)
      .toBe('Also, is shipping free over 50 dollars?');
    await expect.poll(() => agent.title(), poll).toBe('(4) Switchboard');

    // Reading John's conversation moves the read position on the server().
    await row(agent, 'john').click();
    await expect.poll(() => agent.locator('[data-testid=conversation-title]').textContent(), poll).toBe('John Smith');
    await expect.poll(() => agent.title(), poll).toBe('(3) Switchboard');
    await agent.evaluate(() => (location.hash = '#/'));
    await expect.poll(() => badgeOf(agent, 'john'), poll).toBe('0');

    await agent.reload();
    await agent.locator('[data-testid=connection][data-tone=green]').waitFor({ timeout: 20_000 });
    await expect.poll(() => agent.locator('[data-testid=conversation-item]').count(), poll).toBe(3);
    expect([await badgeOf(agent, 'maria'), await badgeOf(agent, 'john'), await badgeOf(agent, 'li')]).toEqual(['1', '0', '2']);

    const laptop = await w.newPage();
    await w.signIn(laptop);
    await expect.poll(() => laptop.locator('[data-testid=conversation-item]').count(), poll).toBe(3);
    expect([await badgeOf(laptop, 'maria'), await badgeOf(laptop, 'john'), await badgeOf(laptop, 'li')]).toEqual(['1', '0', '2']);
    await expect.poll(() => laptop.title(), poll).toBe('(3) Switchboard');
    await screenshot(agent, 'inbox-customers');

    // Reading Maria on the laptop clears her badge on the first screen at once, without a reload.
    await row(laptop, 'maria').click();
    await expect.poll(() => laptop.locator('[data-testid=conversation-title]').textContent(), poll).toBe('Maria Garcia');
    await expect.poll(() => badgeOf(agent, 'maria'), poll).toBe('0');
    await expect.poll(() => agent.title(), poll).toBe('(2) Switchboard');
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
    expect(await openRoute(agent)).toMatch(new RegExp(`^#/c/${w.conversationOf.john}/m/`));
    expect(await marked.evaluate((el) => el === document.activeElement)).toBe(true);
  }, 60_000);

  it('shows a private note to the team, set apart, and never in the customer widget, live or after a reload', async () => {
    const widget = await w.newPage({ width: 420, height: 760 });
    await widget.goto(`${server().url}/widget/demo?token=${encodeURIComponent(await w.customerToken('maria'))}`);
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

  it('shows the contact beside the conversation: email, channel and their other conversations', async () => {
    const token = await w.customerToken('maria');
    const second = await w.call<{ id: string }>(token, 'POST', '/api/conversations', { channelType: 'web' });
    await w.call(token, 'POST', `/api/conversations/${second.id}/messages`, { content: 'Second question: do you gift wrap?' });
    await expect.poll(() => agent.locator(`[data-testid=conversation-item][data-id="${second.id}"]`).count(), poll).toBe(1);

    await agent.evaluate((id) => (location.hash = `#/c/${id}`), w.conversationOf.maria);
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

  it('shows the AI category and priority on the row and header, and a readable handoff banner that covers no control', async () => {
    const admin = await server().token({ sub: 'boss', accountId: w.tenant, role: 'admin', name: 'Bo Boss' });
    await w.call(admin, 'PATCH', '/api/ai/settings', { enabled: true });
    await w.call(admin, 'POST', '/api/credits/topup', { amount: 100, ref: 'workday-test' });
    await w.call(admin, 'POST', '/api/ai/agents', { name: 'Ava', status: 'ACTIVE' });

    const priya = await server().token({ sub: 'cust-priya', accountId: w.tenant, role: 'customer', name: 'Priya Patel' });
    const c = await w.call<{ id: string }>(priya, 'POST', '/api/conversations', { channelType: 'web' });
    await w.call(priya, 'POST', `/api/conversations/${c.id}/messages`, {
      content: 'I was charged twice for my subscription, I want a refund. Let me talk to a human please.',
    });
    const priyaRow = agent.locator(`[data-testid=conversation-item][data-id="${c.id}"]`);
    await expect.poll(() => priyaRow.locator('[data-testid=ai-chips]').textContent(), { ...poll, timeout: 20_000 }).toBe('BillingHigh');
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
    expect(w.errors).toEqual([]);
  }, 60_000);
});
