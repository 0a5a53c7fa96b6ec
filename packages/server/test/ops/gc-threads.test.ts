import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { SINGLE_THREADED_GC, wantsSingleThreadedGc, workerExecArgv } from '../../src/ops/gc-threads';
import { createPostgresDatabase } from '../support/databases';
import { eventually } from '../support/events';
import { serverMain, testServerEnv } from '../support/processes';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

describe('where the garbage collector runs', () => {
  it('collects on the main thread only with one core to itself, unless told either way', () => {
    expect(wantsSingleThreadedGc('auto', 1)).toBe(true);
    expect(wantsSingleThreadedGc('auto', 2)).toBe(false);
    expect(wantsSingleThreadedGc('single-threaded', 16)).toBe(true);
    expect(wantsSingleThreadedGc('concurrent', 1)).toBe(false);
  });

  it('gives cluster workers single-threaded GC when they share the cores one each or fewer', () => {
    expect(workerExecArgv('auto', 2, 2)).toContain(SINGLE_THREADED_GC);
    expect(workerExecArgv('auto', 3, 2)).toContain(SINGLE_THREADED_GC);
    expect(workerExecArgv('auto', 2, 8)).not.toContain(SINGLE_THREADED_GC);
    expect(workerExecArgv('concurrent', 4, 2)).not.toContain(SINGLE_THREADED_GC);
  });
});

/** A server process pinned to CPU 0 with `taskset`, as a one-core machine or the benchmark runs it. */
interface Pinned {
  child: ChildProcess;
  lines: any[];
  exited: Promise<number | null>;
}

describe('a server process pinned to one core', () => {
  let url = '';
  let drop: () => Promise<void> = async () => {};
  const started: Pinned[] = [];

  beforeAll(async () => {
    ({ url, drop } = await createPostgresDatabase({ migrated: true }));
  });
  afterAll(async () => {
    for (const p of started) p.child.kill('SIGKILL');
    await drop();
  });

  function startPinned(env: Record<string, string> = {}): Pinned {
    const child = spawn('taskset', ['-c', '0', process.execPath, ...serverMain()], {
      cwd: ROOT,
      env: testServerEnv({
        DATABASE_URL: url,
        DEMO: 'false',
        LOG_LEVEL: 'info',
        GC_MODE: 'auto',
        ...env,
      }),
      // `taskset` execs node, so the child's pid is the server's (or, relaunched, its parent's).
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const lines: any[] = [];
    let rest = '';
    child.stdout.on('data', (chunk: Buffer) => {
      const text = rest + chunk.toString();
      const parts = text.split('\n');
      rest = parts.pop()!;
      for (const line of parts) {
        try {
          lines.push(JSON.parse(line));
        } catch {
          // The banner, not a log line.
        }
      }
    });
    const pinned = { child, lines, exited: new Promise<number | null>((resolve) => child.once('exit', resolve)) };
    started.push(pinned);
    return pinned;
  }

  const startedLine = (p: Pinned) =>
    eventually(() => p.lines.find((l) => l.msg === 'started') ?? false, { ms: 60_000, every: 50, what: 'the started line' });
  const alive = (pid: number) => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };

  it('starts again with single-threaded GC, serves, and stops with its parent on SIGTERM', async () => {
    const p = startPinned();
    const line = await startedLine(p);
    expect(line.gc).toBe('main-thread');
    expect(line.pid).not.toBe(p.child.pid);
    expect(p.lines.some((l) => l.msg.startsWith('one core: starting again'))).toBe(true);
    expect((await fetch(`http://127.0.0.1:${line.port}/readyz`)).status).toBe(200);
    p.child.kill('SIGTERM');
    expect(await p.exited).toBe(0);
    expect(p.lines.some((l) => l.msg === 'stopped')).toBe(true);
    await eventually(() => !alive(line.pid), { what: 'the relaunched server to exit' });
  });

  it('stops the relaunched server when its parent is killed outright, freeing the port', async () => {
    const p = startPinned();
    const line = await startedLine(p);
    p.child.kill('SIGKILL');
    await p.exited;
    await eventually(() => !alive(line.pid), { ms: 20_000, what: 'the orphaned server to stop itself' });
    await expect(fetch(`http://127.0.0.1:${line.port}/readyz`)).rejects.toThrow();
  });

  it('stays one process with concurrent GC when GC_MODE=concurrent', async () => {
    const p = startPinned({ GC_MODE: 'concurrent' });
    const line = await startedLine(p);
    expect(line.gc).toBe('concurrent');
    expect(line.pid).toBe(p.child.pid);
    p.child.kill('SIGTERM');
    expect(await p.exited).toBe(0);
  });
});
