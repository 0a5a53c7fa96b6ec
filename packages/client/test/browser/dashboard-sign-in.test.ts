/// <reference lib="dom" />
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { signToken } from '../../../server/src/auth/token-signer';
import { type RestartableServer, sharedRestartableServer } from '../support/restartable-server';
import { chromiumAvailable, IN_CI, releaseChromium, sharedChromium } from './support/chromium';
import { webBuilt } from './support/web-build';

/*
 * Signing in to the dashboard as built by `npm run build:web`, in Debian's
 * chromium, against a real Switchboard with no demo tenant (as in production):
 * every token is checked with GET /api/me before the app shows.
 */
describe.skipIf(!chromiumAvailable && !IN_CI)('dashboard sign-in in a real browser', () => {
  let server: RestartableServer;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  const agentClaims = { sub: 'signin-agent', accountId: 'signin', role: 'agent' as const, name: 'Avery Agent' };

  async function newContext(): Promise<BrowserContext> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    contexts.push(context);
    return context;
  }
  const signedIn = (page: Page) => page.locator('[data-testid=connection][data-tone=green]').waitFor({ timeout: 20_000 });
  const onSignInPage = (page: Page) => page.locator('[data-testid=token-input]').waitFor({ timeout: 20_000 });

  async function pasteToken(page: Page, token: string): Promise<void> {
    await page.goto(`${server.url}/`);
    await page.locator('[data-testid=token-input]').fill(token);
    await page.locator('[data-testid=token-submit]').click();
  }

  beforeAll(async () => {
    // The worker's server and browser, shared with its other files; the tenant `signin` is this file's alone.
    [server, browser] = await Promise.all([webBuilt().then(() => sharedRestartableServer({ demo: false })), sharedChromium()]);
  }, 180_000);

  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await releaseChromium();
    await server?.stop();
  }, 60_000);

  it('keeps a forged, expired, customer or malformed token on the sign-in page, saying why', async () => {
    const page = await (await newContext()).newPage();
    const cases: Array<[string, RegExp]> = [
      [await signToken('a-secret-this-server-does-not-know-0123456789', agentClaims), /does not accept that token/],
      [await server.token(agentClaims, -60), /has expired/],
      [await server.token({ sub: 'c1', accountId: 'signin', role: 'customer' }), /customer token/],
      ['hello', /not a token/],
    ];
    for (const [token, message] of cases) {
      await pasteToken(page, token);
      await expect.poll(() => page.locator('[data-testid=login-error]').textContent(), { timeout: 15_000 }).toMatch(message);
      await onSignInPage(page);
      expect(await page.locator('[data-testid=connection]').count()).toBe(0);
      expect(await page.evaluate(() => localStorage.getItem('switchboard.session'))).toBeNull();
    }
  }, 90_000);

  it('signs in with a valid token and stays signed in across a reload and a new tab, until it expires', async () => {
    const context = await newContext();
    const page = await context.newPage();
    const token = await server.token(agentClaims, 3_600);
    await pasteToken(page, token);
    await signedIn(page);
    const stored = JSON.parse((await page.evaluate(() => localStorage.getItem('switchboard.session')))!);
    expect(stored).toMatchObject({ token, claims: { sub: 'signin-agent', accountId: 'signin', role: 'agent', name: 'Avery Agent' } });
    expect(Math.abs(stored.expiresAt - (Date.now() + 3_600_000))).toBeLessThan(120_000);

    await page.reload();
    await signedIn(page);
    const tab = await context.newPage();
    await tab.goto(`${server.url}/#/metrics`);
    await signedIn(tab);

    // Signing out in one tab signs out the other.
    await tab.locator('[data-testid=logout]').click();
    await onSignInPage(tab);
    await onSignInPage(page);
  }, 90_000);

  it('drops a stored session whose token has expired', async () => {
    const context = await newContext();
    const token = await server.token(agentClaims, 3_600);
    await context.addInitScript((t) => {
      if (!sessionStorage.getItem('seeded')) {
        sessionStorage.setItem('seeded', '1');
        localStorage.setItem(
          'switchboard.session',
          JSON.stringify({
            token: t,
            demo: false,
            claims: { sub: 'signin-agent', accountId: 'signin', role: 'agent' },
            expiresAt: Date.now() - 1_000,
          }),
        );
      }
    }, token);
    const page = await context.newPage();
    await page.goto(`${server.url}/`);
    await onSignInPage(page);
    expect(await page.evaluate(() => localStorage.getItem('switchboard.session'))).toBeNull();
  }, 60_000);

  it('takes a token handed over as /#token=… once, removes it from the address bar, and opens `next`', async () => {
    const context = await newContext();
    const page = await context.newPage();
    const token = await server.token(agentClaims, 3_600);
    await page.goto(`${server.url}/#token=${encodeURIComponent(token)}&next=${encodeURIComponent('/metrics')}`);
    await signedIn(page);
    expect(page.url()).toBe(`${server.url}/#/metrics`);
    // about:blank and this page: the token's entry was replaced, not kept behind a new one.
    expect(await page.evaluate(() => history.length)).toBe(2);
    const again = await context.newPage();
    await again.goto(`${server.url}/`);
    await signedIn(again);

    const other = await (await newContext()).newPage();
    const forged = await signToken('a-secret-this-server-does-not-know-0123456789', agentClaims);
    await other.goto(`${server.url}/#token=${forged}&next=//evil.example`);
    await expect
      .poll(() => other.locator('[data-testid=login-error]').textContent(), { timeout: 15_000 })
      .toMatch(/does not accept that token/);
    expect(other.url()).toBe(`${server.url}/#/`);
  }, 90_000);
});
