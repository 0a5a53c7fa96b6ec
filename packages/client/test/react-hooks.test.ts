// @vitest-environment jsdom
/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/// <reference lib="dom.asynciterable" />
import { act, cleanup, render } from '@testing-library/react';
import { createElement, type ReactNode } from 'react';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import { until } from '../../server/test/support/events';
import { DefaultOut, PortalIn, type SwitchboardClient } from '../src/index';
import {
  type ConversationMessagesView,
  SwitchboardProvider,
  type TypingView,
  useConnectionStatus,
  useConversationMessages,
  useSocket,
  useSocketEvent,
  useTyping,
} from '../src/react/index';
import { connected, newClient } from './support/clients';
import { type ServerProcess, spawnServer } from './support/spawn-server';

afterEach(() => cleanup());

describe('React hooks', () => {
  let server: ServerProcess;
  beforeAll(async () => {
    server = await spawnServer();
  }, 60_000);
  afterAll(() => server?.stop(), 30_000);

  const t = {
    url: () => server.url,
    token: (claims: { sub: string; accountId: string; role?: 'agent' | 'customer' | 'admin'; name?: string }) => server.token(claims),
    async http(method: string, path: string, opts: { token: string; body?: unknown }) {
      const res = await fetch(`${server.url}${path}`, {
        method,
        headers: { authorization: `Bearer ${opts.token}`, ...(opts.body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
      });
      return { status: res.status, body: await res.json() };
    },
  };
  const wrap = (client: SwitchboardClient, child: ReactNode) => createElement(SwitchboardProvider, { client }, child);

  async function setup(tenant: string) {
    const customerToken = await t.token({ sub: `${tenant}-cust`, accountId: tenant, role: 'customer', name: 'Casey' });
    const conv = (await t.http('POST', '/api/conversations', { token: customerToken, body: {} })).body;
    const client = newClient({
      url: t.url(),
      token: await t.token({ sub: `${tenant}-agent`, accountId: tenant, role: 'agent' }),
      dialect: 'portal',
    });
    await connected(client);
    return { client, conversationId: conv.id as string, customerToken };
  }

  it('useSocketEvent calls the latest handler and unsubscribes on unmount (RT-04)', async () => {
    const { client, conversationId, customerToken } = await setup('rh1');
    const seen: string[] = [];
    function Listener(props: { label: string }) {
      useSocketEvent(PortalIn['conversation:updated'], (c) => seen.push(`${props.label}:${c.id}`));
      const { connected: isConnected, status } = useSocket();
      return createElement('span', null, `${status} ${String(isConnected)}`);
    }
    const view = render(wrap(client, createElement(Listener, { label: 'first' })));
    expect(view.container.textContent).toBe('connected true');
    expect(client.listenerCount(PortalIn['conversation:updated'])).toBe(1);
    view.rerender(wrap(client, createElement(Listener, { label: 'second' })));
    expect(client.listenerCount(PortalIn['conversation:updated'])).toBe(1);

    await act(async () => {
      await t.http('POST', `/api/conversations/${conversationId}/messages`, { token: customerToken, body: { content: 'hi' } });
      await until(() => seen.length === 1, 10_000, 'conversation:updated');
    });
    expect(seen).toEqual([`second:${conversationId}`]);

    view.unmount();
    expect(client.listenerCount(PortalIn['conversation:updated'])).toBe(0);
  });

  it('useConversationMessages joins while mounted, shows live and optimistic messages, and leaves on unmount (RT-06)', async () => {
    const { client, conversationId, customerToken } = await setup('rh2');
    await t.http('POST', `/api/conversations/${conversationId}/messages`, { token: customerToken, body: { content: 'history' } });
    let view!: ConversationMessagesView;
    function Thread() {
      view = useConversationMessages(conversationId);
      return null;
    }
    const factsBefore = client.listenerCount();
    const rendered = render(wrap(client, createElement(Thread)));
    await act(() => until(() => !view.loading && view.messages.length === 1, 10_000, 'history'));
    expect(client.joinedConversations).toEqual([conversationId]);

    await act(async () => {
      await t.http('POST', `/api/conversations/${conversationId}/messages`, { token: customerToken, body: { content: 'live' } });
      await until(() => view.messages.length === 2, 10_000, 'live message');
    });

    let sending!: Promise<unknown>;
    act(() => {
      sending = view.send('optimistic');
    });
    expect(view.messages.at(-1)).toMatchObject({ content: 'optimistic', pending: 'sending' });
    await act(async () => {
      await sending;
      await until(() => view.messages.every((m) => !m.pending) && view.messages.length === 3, 10_000, 'reconciled');
    });
    expect(view.messages.map((m) => m.content)).toEqual(['history', 'live', 'optimistic']);
    expect(view.messages.filter((m) => m.content === 'optimistic')).toHaveLength(1);

    rendered.unmount();
    expect(client.joinedConversations).toEqual([]);
    expect(client.listenerCount()).toBe(factsBefore);
  });

  it('useTyping shows the customer typing and clears it 3 s after the last signal (RT-08)', async () => {
    const { client, conversationId, customerToken } = await setup('rh3');
    const customer = newClient({ url: t.url(), token: customerToken });
    await connected(customer);
    await customer.joinConversation(conversationId);
    let typing!: TypingView;
    function Indicator() {
      typing = useTyping(conversationId);
      useConversationMessages(conversationId);
      return null;
    }
    const rendered = render(wrap(client, createElement(Indicator)));
    await act(() => until(() => client.joinedConversations.length === 1, 10_000, 'joined'));
    // The hook's join is on its way; joining again and awaiting the ack means the socket is in the room.
    await act(() => client.joinConversation(conversationId));

    await act(async () => {
      customer.signal(DefaultOut.typing_start, { conversationId });
      await until(() => typing.typists.length === 1, 10_000, 'typing shown');
    });
    expect(typing.typists[0]).toMatchObject({ userId: 'rh3-cust', role: 'customer', name: 'Casey' });
    const shownAt = Date.now();
    // The server would stop it after 5 s; the view gives up on its own after 3 s without news.
    await act(() => until(() => typing.typists.length === 0, 10_000, 'typing cleared'));
    expect(Date.now() - shownAt).toBeGreaterThanOrEqual(2_800);
    rendered.unmount();
  });

  it('useConnectionStatus follows the connection and idles without a client', async () => {
    const { client } = await setup('rh4');
    let status = '';
    function Dot() {
      status = useConnectionStatus().status;
      return null;
    }
    render(wrap(client, createElement(Dot)));
    expect(status).toBe('connected');
    act(() => client.disconnect());
    expect(status).toBe('disconnected');
    cleanup();
    render(createElement(SwitchboardProvider, { client: null }, createElement(Dot)));
    expect(status).toBe('disconnected');
  });
});
