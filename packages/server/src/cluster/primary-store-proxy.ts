import cluster, { type Worker } from 'node:cluster';
import { randomBytes } from 'node:crypto';

import { z } from 'zod';

/** Marks our IPC messages among the others on the channel (sticky sessions, the cluster adapter, facts). */
const CALL = 'switchboard:store-call';
const REPLY = 'switchboard:store-reply';

const Call = z.object({ kind: z.literal(CALL), id: z.string(), store: z.string(), method: z.string(), args: z.array(z.unknown()) });
const Reply = z.object({
  kind: z.literal(REPLY),
  id: z.string(),
  ok: z.boolean(),
  value: z.unknown().optional(),
  error: z.string().optional(),
});

type AsyncMethods<T> = { [K in keyof T]: T[K] extends (...args: infer A) => Promise<infer R> ? (...args: A) => Promise<R> : never };

interface PendingCall {
  store: string;
  resolve: (v: unknown) => void;
  reject: (e: Error) => void;
  timer: NodeJS.Timeout;
}

let awaiting: Map<string, PendingCall> | undefined;

/**
 * One `message` listener for the replies of every store proxy in this worker, not one per store: the
 * cluster adapter already adds a listener per namespace, and each extra one parsed every IPC message.
 */
function awaitingReplies(): Map<string, PendingCall> {
  if (awaiting) return awaiting;
  const calls = new Map<string, PendingCall>();
  process.on('message', (message: unknown) => {
    // Most of the channel is the cluster adapter's traffic: skip it before paying for a parse.
    if ((message as { kind?: unknown } | null)?.kind !== REPLY) return;
    const reply = Reply.safeParse(message);
    if (!reply.success) return;
    const call = calls.get(reply.data.id);
    if (!call) return;
    calls.delete(reply.data.id);
    clearTimeout(call.timer);
    if (reply.data.ok) call.resolve(reply.data.value);
    else call.reject(new Error(`primary ${call.store}: ${reply.data.error ?? 'failed'}`));
  });
  awaiting = calls;
  return calls;
}

/**
 * Shared state for the workers of one machine without Redis (`WORKERS` > 1): the primary holds the
 * memory implementation and each worker calls it over IPC, so presence and typing timers are one
 * state for all workers, as with Redis. Arguments and results must survive structured cloning
 * (plain data, which every store method takes and returns).
 */
export function storeInPrimary<T extends object>(
  store: string,
  methods: ReadonlyArray<keyof T & string>,
  timeoutMs = 5_000,
): AsyncMethods<T> {
  if (!cluster.isWorker || !process.send) throw new Error('storeInPrimary runs in a cluster worker');
  const pending = awaitingReplies();
  const proxy: Record<string, (...args: unknown[]) => Promise<unknown>> = {};
  for (const method of methods) {
    proxy[method] = (...args: unknown[]) =>
      new Promise((resolve, reject) => {
        const id = randomBytes(8).toString('hex');
        const timer = setTimeout(() => {
          pending.delete(id);
          reject(new Error(`primary ${store}.${method} did not answer within ${timeoutMs} ms`));
        }, timeoutMs);
        timer.unref();
        pending.set(id, { store, resolve, reject, timer });
        process.send?.({ kind: CALL, id, store, method, args: args.filter((a) => a !== undefined) });
      });
  }
  return proxy as AsyncMethods<T>;
}

/** In the primary: answers the workers' calls to `impl`. */
export function serveStoreToWorkers(store: string, impl: object): void {
  cluster.on('message', (worker: Worker, message: unknown) => {
    const call = Call.safeParse(message);
    if (!call.success || call.data.store !== store) return;
    const { id, method, args } = call.data;
    const fn = (impl as Record<string, unknown>)[method];
    const answer = (reply: z.infer<typeof Reply>) => {
      if (worker.isConnected()) worker.send(reply, undefined, () => undefined);
    };
    if (typeof fn !== 'function') return answer({ kind: REPLY, id, ok: false, error: `no method ${method}` });
    Promise.resolve()
      .then(() => (fn as (...a: unknown[]) => unknown).apply(impl, args))
      .then(
        (value) => answer({ kind: REPLY, id, ok: true, value }),
        (err: unknown) => answer({ kind: REPLY, id, ok: false, error: err instanceof Error ? err.message : String(err) }),
      );
  });
}
