import { Writable } from 'node:stream';

import pino from 'pino';
import { expect, it } from 'vitest';

import { logConnectionCounts } from '../../src/ops/connection-log';
import { forEachServer } from '../support/server';

forEachServer(
  'connection counts',
  (t) => {
    it('logs open, opened and closed connections once per interval, and nothing while idle', async () => {
      const lines: any[] = [];
      const sink = new Writable({
        write(chunk, _enc, done) {
          lines.push(JSON.parse(String(chunk)));
          done();
        },
      });
      const stop = logConnectionCounts(t.sb().io, pino({ level: 'info' }, sink), 200);
      try {
        const token = await t.token({ sub: 'u1', accountId: 'acme' });
        const a = await t.connect({ token });
        await t.connect({ token });
        a.disconnect();
        // The interval is short, so the three changes may spread over several lines: their sums count.
        const totals = () => {
          const counted = lines.filter((l) => l.msg === 'connections');
          const sum = (k: string) => counted.reduce((n, l) => n + l[k], 0);
          return { opened: sum('opened'), closed: sum('closed'), open: counted.at(-1)?.open, level: counted.at(-1)?.level };
        };
        await expect.poll(totals, { timeout: 5_000 }).toEqual({ opened: 2, closed: 1, open: 1, level: 30 });
        const seen = lines.length;
        // About time: one more interval with no change: open stays 1, nothing opened or closed, so no line.
        await new Promise((r) => setTimeout(r, 600));
        expect(lines.slice(seen).filter((l) => l.opened || l.closed)).toEqual([]);
        expect(lines.length - seen).toBeLessThanOrEqual(1);
      } finally {
        stop();
      }
    });
  },
  {},
  ['pglite'],
);
