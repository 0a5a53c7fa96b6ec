import { randomBytes } from 'node:crypto';

import type { Browser, BrowserContext, Page } from 'playwright-core';

import { type RestartableServer, sharedRestartableServer } from '../../support/restartable-server';
import { releaseChromium, sharedChromium } from './chromium';
import { webBuilt } from './web-build';

/**
 * The scene of issue 16's browser tests: a real Switchboard, Debian's chromium, an agent (Ana) and
 * three customers (Maria Garcia, John Smith, Li Wei) who each wrote once before Ana signed in, so
 * their messages wait on the server, unread. Each scene is a tenant of its own on the worker's shared
 * server and browser (sharedRestartableServer, sharedChromium), so two files' scenes never meet.
 */
export { poll } from './chromium';
export const CUSTOMERS = {
  maria: {
    sub: 'cust-maria',
    name: 'Maria Garcia',
    email: 'maria@example.com',
    first: 'Hi, my parcel shows delivered but it is not here.',
  },
  john: { sub: 'cust-john', name: 'John Smith', email: 'john@example.com', first: 'I would like a refund for order 5521, the zip broke.' },
  li: { sub: 'cust-li', name: 'Li Wei', email: 'li.wei@example.com', first: 'Do you ship to Singapore?' },
};
export type Who = keyof typeof CUSTOMERS;
const AGENT = { sub: 'ana', role: 'agent' as const, name: 'Ana Alvarez', email: 'ana@shop.example' };

export interface Workday {
  server: RestartableServer;
  /** The scene's account id, `workday-…`, its own on the shared server. */
  tenant: string;
  browser: Browser;
  /** Page errors seen on any page: a test ends by expecting none. */
  errors: string[];
  conversationOf: Record<Who, string>;
  newPage(viewport?: { width: number; height: number }): Promise<Page>;
  /** Keeps a context made elsewhere, to close it at the end. */
  track(context: BrowserContext): BrowserContext;
  call<T>(token: string, method: string, path: string, body?: unknown): Promise<T>;
  customerToken(who: Who): Promise<string>;
  say(who: Who, content: string): Promise<{ id: string }>;
  /** Signs Ana in through the redirect flow (`#token=`), as a host app would. */
  signIn(page: Page, next?: string): Promise<void>;
  row(page: Page, who: Who): ReturnType<Page['locator']>;
  /** The row's unread badge as shown, '0' when there is none. */
  badgeOf(page: Page, who: Who): Promise<string | null>;
  dispose(): Promise<void>;
}

export const openRoute = (page: Page) => page.evaluate(() => location.hash);

export async function startWorkday(): Promise<Workday> {
  const [server, browser] = await Promise.all([webBuilt().then(() => sharedRestartableServer({ demo: false })), sharedChromium()]);
  const tenant = `workday-${randomBytes(4).toString('hex')}`;
  const contexts: BrowserContext[] = [];
  const errors: string[] = [];
  const conversationOf = {} as Record<Who, string>;
  const agentToken = await server.token({ ...AGENT, accountId: tenant });

  const w: Workday = {
    server,
    tenant,
    browser,
    errors,
    conversationOf,
    async newPage(viewport = { width: 1280, height: 800 }) {
      const context = w.track(await browser.newContext({ viewport }));
      const page = await context.newPage();
      page.on('pageerror', (err) => errors.push(`${page.url()}: ${err.message}`));
      return page;
    },
    track(context) {
      contexts.push(context);
      return context;
    },
    async call<T>(token: string, method: string, path: string, body?: unknown): Promise<T> {
      const res = await fetch(`${server.url}${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
      return (await res.json()) as T;
    },
    customerToken(who) {
      const c = CUSTOMERS[who];
      return server.token({ sub: c.sub, accountId: tenant, role: 'customer', name: c.name, email: c.email });
    },
    async say(who, content) {
      return w.call(await w.customerToken(who), 'POST', `/api/conversations/${conversationOf[who]}/messages`, { content });
    },
    async signIn(page, next = '/') {
      await page.goto(`${server.url}/#token=${encodeURIComponent(agentToken)}&next=${encodeURIComponent(next)}`);
      await page.locator('[data-testid=connection][data-tone=green]').waitFor({ timeout: 20_000 });
    },
    row: (page, who) => page.locator(`[data-testid=conversation-item][data-id="${conversationOf[who]}"]`),
    async badgeOf(page, who) {
      const badge = w.row(page, who).locator('[data-testid=unread-badge]');
      return (await badge.count()) ? await badge.textContent() : '0';
    },
    /** Closes the scene's pages and stops the server; the browser and the server's database stay for the worker's next file. */
    async dispose() {
      for (const c of contexts) await c.close().catch(() => undefined);
      await releaseChromium();
      await server.stop();
    },
  };

  for (const who of ['li', 'john', 'maria'] as const) {
    const token = await w.customerToken(who);
    const c = await w.call<{ id: string }>(token, 'POST', '/api/conversations', { channelType: 'web' });
    conversationOf[who] = c.id;
    await w.say(who, CUSTOMERS[who].first);
  }
  return w;
}
