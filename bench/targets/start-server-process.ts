import { createWriteStream, mkdirSync } from 'node:fs';
import { join } from 'node:path';

import { stopChild } from '../core/child-processes';
import { findFreePort } from '../core/find-free-port';
import { processTree } from '../core/proc-stat';
import { sleep } from '../core/sleep';
import { spawnNode } from '../core/spawn-node';
import type { RunningServer, StartContext, TriggerSpec } from './server-target';

export interface ServerProcessSpec {
  name: string;
  script: string;
  env: NodeJS.ProcessEnv;
  /** Path answered with 200 once the server serves. */
  healthPath: string;
  readyTimeoutMs: number;
  trigger(baseUrl: string, tenantId: string, event: string): TriggerSpec;
  /** Run after the process has exited (remove a data directory, say). */
  cleanup?: () => Promise<void>;
}

/** Environment variables that would point a server at outside services; the bench runs everything local. */
const OUTSIDE_SERVICES = ['DATABASE_URL', 'REDIS_URL', 'AMQP_URL', 'JWT_PUBLIC_KEY', 'JWT_ISSUER', 'JWT_AUDIENCE'];

/** This environment without the variables that would change what a server talks to. */
export function cleanEnv(extra: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const key of OUTSIDE_SERVICES) delete env[key];
  delete env.NODE_OPTIONS;
  return { ...env, NODE_ENV: 'production', ...extra };
}

/**
 * A server pinned to one core runs with single-threaded garbage collection, as docs/deploy.md advises for a
 * process with one core. Every target gets it, baselines included: a runtime setting, not code, and the same for all.
 */
function oneCoreFlags(cpu: string | null): string[] {
  // BENCH_SINGLE_THREADED_GC=0 measures the servers as node starts them by default.
  if (process.env.BENCH_SINGLE_THREADED_GC === '0') return [];
  return cpu !== null && /^\d+$/.test(cpu) ? ['--single-threaded-gc'] : [];
}

/**
 * Starts a server on a free port of 127.0.0.1, pinned and with its fd limit
 * raised as asked, and waits until its health path answers 200. Rejects with
 * the last lines it wrote if it exits or does not become healthy in time.
 */
export async function startServerProcess(spec: ServerProcessSpec, ctx: StartContext): Promise<RunningServer> {
  const port = await findFreePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const spawned = spawnNode({
    script: spec.script,
    cwd: ctx.cwd,
    env: { ...spec.env, PORT: String(port) },
    cpu: ctx.cpu,
    fdLimit: ctx.fdLimit,
    nice: ctx.nice,
    // BENCH_NODE_FLAGS="--cpu-prof --cpu-prof-dir=/tmp/prof" profiles the servers under load.
    nodeFlags: [
      ...(ctx.inspect ? ['--inspect=127.0.0.1:0'] : []),
      ...oneCoreFlags(ctx.cpu),
      ...(process.env.BENCH_NODE_FLAGS ?? '').split(' ').filter(Boolean),
    ],
  });
  // BENCH_SERVER_LOG=<dir>: each server's own output is also kept in <dir>/<name>-<pid>.log (the slow-flush
  // lines of WRITE_SLOW_FLUSH_MS, say), for reading against the database's log afterwards.
  const logDir = process.env.BENCH_SERVER_LOG;
  if (logDir) {
    mkdirSync(logDir, { recursive: true });
    const file = createWriteStream(join(logDir, `${spec.name}-${spawned.pid}.log`));
    spawned.child.stdout?.pipe(file, { end: false });
    spawned.child.stderr?.pipe(file, { end: false });
    spawned.child.once('exit', () => file.end());
  }
  // Every process's inspector (a cluster's workers print theirs too), kept however long the output grows.
  const inspectorUrls = spawned.output.collect(/Debugger listening on (ws:\/\/\S+)/);
  let exited = false;
  spawned.child.once('exit', () => (exited = true));
  const stop = async () => {
    await stopChild(spawned.child);
    await spec.cleanup?.();
  };

  const deadline = Date.now() + spec.readyTimeoutMs;
  let healthy = false;
  while (!exited && Date.now() < deadline) {
    try {
      const res = await fetch(baseUrl + spec.healthPath, { signal: AbortSignal.timeout(1000) });
      await res.arrayBuffer();
      if (res.status === 200) {
        healthy = true;
        break;
      }
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  if (!healthy) {
    await stop();
    const why = exited ? 'exited before serving' : `not healthy after ${spec.readyTimeoutMs} ms`;
    const tail = spawned.output.text().split('\n').slice(-15);
    const cause = [...tail].reverse().find((l) => /error/i.test(l)) ?? tail.at(-1) ?? '';
    throw new Error(`${spec.name} ${why}: ${cause.trim()}\n${tail.join('\n')}`);
  }

  let inspectorUrl: string | null = null;
  if (ctx.inspect) {
    const found = await Promise.race([spawned.output.waitFor(/Debugger listening on (ws:\/\/\S+)/), sleep(5000).then(() => null)]);
    inspectorUrl = found?.[1] ?? null;
  }

  return {
    name: spec.name,
    pid: spawned.pid,
    baseUrl,
    baseUrls: [baseUrl],
    pids: () => processTree(spawned.pid),
    servicePids: async () => [],
    inspectorUrl,
    inspectorUrls,
    command: spawned.command,
    output: spawned.output,
    trigger: (tenantId, event) => spec.trigger(baseUrl, tenantId, event),
    stop,
  };
}
