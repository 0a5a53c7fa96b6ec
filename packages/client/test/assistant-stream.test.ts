import { createServer, type Server } from 'node:http';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { until } from '../../server/test/support/events';
import { drainFrames, HttpApi, streamAssistantReplies, type StreamEvent, StreamIn } from '../src/index';

describe('SSE frames', () => {
  it('reads events split across chunks, multi-line data, comments and CRLF', () => {
    const seen: StreamEvent[] = [];
    let rest = drainFrames(': heartbeat\n\nevent: token\ndata: {"a":', (e) => seen.push(e));
    rest = drainFrames(`${rest}1}\r\n\r\ndata: line one\ndata: line two\nid: 7\n\n`, (e) => seen.push(e));
    expect(rest).toBe('');
    expect(seen).toEqual([
      { event: 'token', data: '{"a":1}' },
      { event: 'message', data: 'line one\nline two', id: '7' },
    ]);
  });
});

describe('streamed assistant replies', () => {
  // The catalogue's SSE events, written by a small server the way GET /api/conversations/:id/stream writes them.
  let server: Server;
  let url = '';
  let authorization: string | undefined;
  beforeAll(async () => {
    server = createServer((req, res) => {
      authorization = req.headers.authorization;
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      const send = (event: string, data: unknown) => res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
      send(StreamIn.ready, { conversationId: 'c1' });
      send(StreamIn.token, { conversationId: 'c1', replyId: 'r1', index: 0, token: 'Orders ' });
      send(StreamIn.error, { conversationId: 'c1', replyId: 'r1', code: 'INTERNAL', message: 'provider hiccup', retrying: true });
      send(StreamIn.token, { conversationId: 'c1', replyId: 'r1', index: 0, token: 'Orders ' });
      send(StreamIn.token, { conversationId: 'c1', replyId: 'r1', index: 1, token: 'ship in 2 days.' });
      const message = {
        id: 'm1',
        conversationId: 'c1',
        accountId: 't',
        role: 'ASSISTANT',
        senderId: null,
        content: 'Orders ship in 2 days.',
        contentType: 'text',
        clientMessageId: 'r1',
        status: 'sent',
        confidence: 0.9,
        createdAt: new Date().toISOString(),
      };
      send(StreamIn.done, { conversationId: 'c1', replyId: 'r1', message });
      res.end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('shows the reply as it is written, restarts it after a failed attempt, and ends with the stored message', async () => {
    const api = new HttpApi({ baseUrl: url, getToken: () => 'customer-token' });
    const texts: string[] = [];
    const dropped: Array<string | null> = [];
    let done: { replyId: string; content: string } | null = null;
    let ready = false;
    const handle = streamAssistantReplies(api, 'c1', {
      onReady: () => (ready = true),
      onText: (_id, text) => texts.push(text),
      onDrop: (id) => dropped.push(id),
      onDone: (replyId, message) => (done = { replyId, content: message.content }),
    });
    await handle.done;
    await until(() => done !== null, 2_000, 'done');
    expect(ready).toBe(true);
    expect(authorization).toBe('Bearer customer-token');
    expect(texts).toEqual(['Orders ', 'Orders ', 'Orders ship in 2 days.']);
    expect(dropped).toEqual(['r1']);
    expect(done).toEqual({ replyId: 'r1', content: 'Orders ship in 2 days.' });
  });

  it('rejects with NOT_FOUND where the server has no stream route', async () => {
    const missing = createServer((_req, res) => res.writeHead(404).end('{"error":{"code":"NOT_FOUND","message":"no route"}}'));
    await new Promise<void>((resolve) => missing.listen(0, '127.0.0.1', resolve));
    const address = missing.address();
    const api = new HttpApi({
      baseUrl: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`,
      getToken: () => 't',
    });
    const handle = streamAssistantReplies(api, 'c1', { onText: () => undefined, onDone: () => undefined, onDrop: () => undefined });
    await expect(handle.done).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await new Promise<void>((resolve) => missing.close(() => resolve()));
  });
});
