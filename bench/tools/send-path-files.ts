/**
 * Which source files one `send_message` runs code in, from the agent's emit to the other agent's
 * `new_message`: a Switchboard in this process (embedded PGlite in memory), two agents of one
 * tenant and a conversation; one warm-up send, then V8's precise coverage (call counts) is reset,
 * one more send is made and awaited, and every file of packages/ with a function called meanwhile
 * is listed. Timers that fire in that window (presence, the outbox tailer) would be counted too,
 * so the window is kept to the send itself. Used for docs/decisions.md, "Fan-out and the send path".
 *
 *   npx tsx bench/tools/send-path-files.ts
 */
import { Session } from 'node:inspector/promises';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';

import { io as connectClient, type Socket } from 'socket.io-client';

import { signToken } from '../../packages/server/src/auth/token-signer';
import { buildServer } from '../../packages/server/src/build-server';
import { testConfig } from '../../packages/server/src/config';
import { openDb } from '../../packages/server/src/storage/db';

const SECRET = 'send-path-secret-that-is-long-enough-0123';
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

interface Coverage {
  result: Array<{ url: string; functions: Array<{ functionName: string; ranges: Array<{ count: number }> }> }>;
}

async function main(): Promise<void> {
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.startPreciseCoverage', { callCount: true, detailed: false });

  const db = await openDb({ dataDir: 'memory://' });
  const sb = await buildServer(testConfig({ PORT: 0, HOST: '127.0.0.1', JWT_SECRET: SECRET, INTERNAL_API_KEY: 'k' }), { db });
  const port = await sb.listen();
  const url = `http://127.0.0.1:${port}`;
  const connect = async (sub: string): Promise<Socket> => {
    const token = await signToken(SECRET, { sub, accountId: 'path', role: 'agent', name: sub });
    const socket = connectClient(url, { transports: ['websocket'], reconnection: false, forceNew: true, auth: { token } });
    await new Promise((resolve) => socket.once('authenticated', resolve));
    return socket;
  };
  const token = await signToken(SECRET, { sub: 'path-cust', accountId: 'path', role: 'customer', name: 'cust' });
  const res = await fetch(`${url}/api/conversations`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ subject: 'path' }),
  });
  const conversationId = ((await res.json()) as { id: string }).id;
  const sender = await connect('path-a');
  const listener = await connect('path-b');
  const send = async (content: string) => {
    const heard = new Promise((resolve) => listener.once('new_message', resolve));
    const ack = (await sender.timeout(5_000).emitWithAck('send_message', { conversationId, content, contentType: 'text' })) as {
      ok: boolean;
    };
    if (!ack.ok) throw new Error(`send refused: ${JSON.stringify(ack)}`);
    await heard;
  };
  await send('warm-up');

  await session.post('Profiler.takePreciseCoverage'); // resets the counts
  await send('measured');
  const { result } = (await session.post('Profiler.takePreciseCoverage')) as unknown as Coverage;

  const files = result
    .filter((s) => s.url.startsWith('file://') && !s.url.includes('/node_modules/'))
    .map((s) => ({ file: relative(ROOT, fileURLToPath(s.url)), called: s.functions.filter((f) => (f.ranges[0]?.count ?? 0) > 0) }))
    .filter((s) => s.file.startsWith('packages/') && s.called.length > 0)
    .sort((a, b) => a.file.localeCompare(b.file));
  for (const f of files) console.log(`${f.file}  (${f.called.map((c) => c.functionName || '(anonymous)').join(', ')})`);
  console.log(`${files.length} files`);

  sender.close();
  listener.close();
  await sb.close();
  await db.close();
  session.disconnect();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
