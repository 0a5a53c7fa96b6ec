/**
 * Baseline `naive-000` spread over several processes on one machine, for connection counts one
 * process cannot hold under the open-file hard limit (bench scenario idle-many): a Node cluster
 * whose workers each run bench/baselines/naive-socketio.ts unchanged and share its port (the
 * primary accepts and hands each connection to a worker, round-robin). No sticky sessions: the
 * bench's clients use the websocket transport only, so each connection is one request.
 *
 * Env: NAIVE_WORKERS (default 2), and the naive server's own (PORT, JWT_SECRET, INTERNAL_API_KEY).
 */
import cluster from 'node:cluster';
import { fileURLToPath } from 'node:url';

const workers = Math.max(1, Number(process.env.NAIVE_WORKERS ?? 2));

if (!cluster.isPrimary) throw new Error('naive-socketio-cluster.ts is the primary; workers run naive-socketio.ts');
cluster.setupPrimary({ exec: fileURLToPath(new URL('./naive-socketio.ts', import.meta.url)) });
for (let i = 0; i < workers; i++) cluster.fork();
let stopping = false;
cluster.on('exit', (worker, code, signal) => {
  // A baseline that lost a worker measures something else: say so and stop.
  if (!stopping) {
    console.error(`naive-000 worker ${worker.id} exited (${signal ?? code})`);
    process.exit(1);
  }
});
process.on('SIGTERM', () => {
  stopping = true;
  for (const w of Object.values(cluster.workers ?? {})) w?.process.kill('SIGTERM');
  setTimeout(() => process.exit(0), 1500).unref();
  cluster.on('exit', () => {
    if (Object.values(cluster.workers ?? {}).every((w) => !w || w.isDead())) process.exit(0);
  });
});
