import { expect, it } from 'vitest';

import { eventually } from '../support/events';
import { forEachServer } from '../support/server';
import { openSse, type SseStream } from '../support/sse';

const CAP = 3;

forEachServer(
  'open SSE streams per user are capped',
  (t) => {
    it(`answers a user's stream beyond ${CAP} open ones with 429 RATE_LIMITED and retryAfterMs, and frees the slot on close`, async () => {
      const customer = await t.token({ sub: 'sse-cust', accountId: 'sse1', role: 'customer' });
      const conv = (await t.http('POST', '/api/conversations', { token: customer, body: {} })).body;
      const url = t.url(`/api/conversations/${conv.id}/stream`);
      const open: SseStream[] = [];
      try {
        for (let i = 0; i < CAP; i++) {
          const s = await openSse(url, customer);
          open.push(s);
          expect(s.status).toBe(200);
        }
        const refused = await fetch(url, { headers: { authorization: `Bearer ${customer}` } });
        expect(refused.status).toBe(429);
        const body = await refused.json();
        expect(body.error).toMatchObject({ code: 'RATE_LIMITED', details: { retryAfterMs: expect.any(Number) } });
        expect(body.error.details.retryAfterMs).toBeGreaterThan(0);

        // Another user of the same tenant is not affected.
        const agent = await t.token({ sub: 'sse-agent', accountId: 'sse1', role: 'agent' });
        const other = await openSse(url, agent);
        open.push(other);
        expect(other.status).toBe(200);

        // Closing a stream gives its slot back.
        open.shift()!.close();
        // The slot is given back when the server sees the close; until then the stream is refused.
        const again = await eventually(
          async () => {
            const stream = await openSse(url, customer);
            if (stream.status === 200) return stream;
            stream.close();
            return false;
          },
          { ms: 5_000, every: 20, what: 'a stream in the freed slot' },
        );
        open.push(again);
      } finally {
        for (const s of open) s.close();
      }
    });
  },
  { SSE_MAX_STREAMS_PER_USER: CAP },
  // One engine: the cap is a count the node keeps in memory; the storage engine only serves the conversation's
  // access check, which the SSE tests of both engines cover. The PostgreSQL variant started a second server to repeat it.
  ['pglite'],
);
