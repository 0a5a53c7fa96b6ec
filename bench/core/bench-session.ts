import type { ClientKind, ConnectResult } from '../loadgen/messages';
import type { RunningServer, ServerTarget } from '../targets/server-target';
import { LoadgenProcess } from './loadgen-process';
import type { ScenarioContext } from './scenario';

/** A server under test, a load generator, and the clients it connected. */
export interface BenchSession {
  target: ServerTarget;
  server: RunningServer;
  loadgen: LoadgenProcess;
  connect: ConnectResult;
  clientKind: ClientKind;
  close(): Promise<void>;
}

/** The client the load generator uses for `target`: bare ws for raw-ws, BENCH_CLIENT for Socket.IO servers. */
export function clientKindFor(target: ServerTarget, ctx: ScenarioContext): ClientKind {
  return target.protocol === 'ws' ? 'ws' : ctx.options.clientKind;
}

export interface ServerSession {
  server: RunningServer;
  loadgen: LoadgenProcess;
  close(): Promise<void>;
}

/** Starts `target` pinned to the server core and a load generator pinned to the other; clients not yet connected. */
export async function startServerAndLoadgen(
  ctx: ScenarioContext,
  target: ServerTarget,
  opts: { inspect?: boolean } = {},
): Promise<ServerSession> {
  const server = await target.start({
    cwd: ctx.cwd,
    jwtSecret: ctx.jwtSecret,
    internalApiKey: ctx.internalApiKey,
    cpu: ctx.pin.serverCpu,
    fdLimit: ctx.fdLimit,
    nice: ctx.options.nice,
    inspect: opts.inspect ?? false,
  });
  let loadgen: LoadgenProcess;
  try {
    loadgen = await LoadgenProcess.start({
      cwd: ctx.cwd,
      cpu: ctx.pin.loadgenCpu,
      fdLimit: ctx.fdLimit,
      nice: ctx.options.nice,
    });
  } catch (err) {
    await server.stop();
    throw err;
  }
  return { server, loadgen, close: async () => void (await Promise.all([loadgen.stop(), server.stop()])) };
}

/** Connects `count` clients of the bench tenant through the session's load generator. */
export function connectClients(ctx: ScenarioContext, target: ServerTarget, session: ServerSession, count: number) {
  return session.loadgen.request('connect', {
    baseUrls: session.server.baseUrls,
    kind: clientKindFor(target, ctx),
    count,
    concurrency: ctx.options.connectConcurrency,
    timeoutMs: ctx.options.connectTimeoutSeconds * 1000,
    jwtSecret: ctx.jwtSecret,
    tenantId: ctx.tenantId,
    extraClaims: target.extraClaims(ctx.tenantId),
  });
}

/**
 * Starts server and load generator and connects `ctx.options.clients` clients.
 * Fails (after cleaning up) when not one client could connect.
 */
export async function openBenchSession(
  ctx: ScenarioContext,
  target: ServerTarget,
  opts: { inspect?: boolean; clients?: number } = {},
): Promise<BenchSession> {
  const session = await startServerAndLoadgen(ctx, target, opts);
  try {
    const connect = await connectClients(ctx, target, session, opts.clients ?? ctx.options.clients);
    if (connect.connected === 0) {
      throw new Error(`no client could connect: ${JSON.stringify(connect.errors)}`);
    }
    return { ...session, target, connect, clientKind: clientKindFor(target, ctx) };
  } catch (err) {
    await session.close();
    throw err;
  }
}

/** The reason a target cannot run here, or null. */
export function unavailable(ctx: ScenarioContext, target: ServerTarget): string | null {
  return ctx.unavailable.get(target.name) ?? null;
}

/** The first line of an error, for a table cell. */
export function shortError(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return text.split('\n')[0]!.slice(0, 200);
}
