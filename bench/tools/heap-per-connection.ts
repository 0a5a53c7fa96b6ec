/**
 * Where a server's memory per idle connection goes: starts one bench target with the inspector,
 * takes a heap snapshot before and after N eio-lite clients connect, and writes both snapshots
 * (open them in Chrome DevTools, "Comparison" view). Used for docs/decisions.md, "Memory per connection".
 *
 *   npx tsx bench/tools/heap-per-connection.ts switchboard 2000 /tmp/heap
 */
import { createWriteStream, mkdirSync } from 'node:fs';
import { join } from 'node:path';

import WebSocket from 'ws';

import { benchClaims, signBenchToken } from '../core/bench-token';
import { readRssBytes } from '../core/proc-stat';
import { sleep } from '../core/sleep';
import { connectEioLite } from '../loadgen/eio-lite-client';
import { allTargets } from '../targets/all-targets';

const [targetName = 'switchboard', countText = '2000', outDir = '/tmp/heap'] = process.argv.slice(2);
const count = Number(countText);
mkdirSync(outDir, { recursive: true });

async function snapshot(inspectorUrl: string, file: string): Promise<number> {
  const ws = new WebSocket(inspectorUrl, { perMessageDeflate: false });
  await new Promise((r, j) => (ws.once('open', r), ws.once('error', j)));
  const out = createWriteStream(file);
  let id = 0;
  const call = (method: string, params = {}) =>
    new Promise<unknown>((resolve) => {
      const my = ++id;
      const on = (data: WebSocket.RawData) => {
        const msg = JSON.parse(new TextDecoder().decode(Array.isArray(data) ? Buffer.concat(data) : data)) as {
          id?: number;
          method?: string;
          params?: { chunk: string };
          result?: unknown;
        };
        if (msg.method === 'HeapProfiler.addHeapSnapshotChunk') out.write(msg.params!.chunk);
        if (msg.id === my) {
          ws.off('message', on);
          resolve(msg.result);
        }
      };
      ws.on('message', on);
      ws.send(JSON.stringify({ id: my, method, params }));
    });
  await call('HeapProfiler.collectGarbage');
  await call('HeapProfiler.collectGarbage');
  const mem = (await call('Runtime.evaluate', { expression: 'JSON.stringify(process.memoryUsage())', returnByValue: true })) as {
    result: { value: string };
  };
  await call('HeapProfiler.takeHeapSnapshot', { reportProgress: false });
  await new Promise((r) => out.end(r));
  ws.close();
  return (JSON.parse(mem.result.value) as NodeJS.MemoryUsage).heapUsed;
}

const target = allTargets.find((t) => t.name === targetName);
if (!target) throw new Error(`no target ${targetName}`);
const secret = 'heap-per-connection-secret-0123456789abcdef';
const server = await target.start({
  cwd: process.cwd(),
  jwtSecret: secret,
  internalApiKey: 'k'.repeat(32),
  cpu: null,
  fdLimit: null,
  nice: 0,
  inspect: true,
});
try {
  await sleep(Number(process.env.IDLE_MS ?? 20000));
  const heapBefore = await snapshot(server.inspectorUrl!, join(outDir, `${targetName}-before.heapsnapshot`));
  const rssBefore = readRssBytes(server.pid)!;
  const clients = [];
  for (let i = 0; i < count; i += 50) {
    clients.push(
      ...(await Promise.all(
        Array.from({ length: Math.min(50, count - i) }, async (_, k) => {
          const token = await signBenchToken(benchClaims(i + k + 1, 'bench', target.extraClaims('bench')), secret);
          return connectEioLite(server.baseUrl, token, { onSeq: () => undefined, onDrop: () => undefined }, 30000);
        }),
      )),
    );
  }
  await sleep(3000);
  const heapAfter = await snapshot(server.inspectorUrl!, join(outDir, `${targetName}-after.heapsnapshot`));
  const rssAfter = readRssBytes(server.pid)!;
  console.log(
    `${targetName}: ${count} clients; heap/conn ${((heapAfter - heapBefore) / count / 1024).toFixed(2)} KiB; ` +
      `RSS/conn ${((rssAfter - rssBefore) / count / 1024).toFixed(2)} KiB; RSS idle ${(rssBefore / 2 ** 20).toFixed(1)} MiB`,
  );
  for (const c of clients) c.close();
} finally {
  await server.stop();
}
