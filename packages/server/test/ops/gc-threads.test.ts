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

  function startPinned(env: Record<string, string> = {}, nodeFlags: string[] = []): Pinned {
    const child = spawn('taskset', ['-c', '0', process.execPath, ...nodeFlags, ...serverMain()], {
      cwd: ROOT,
      env: testServerEnv({
        DATABASE_URL: url,
        DEMO: 'false',
        LOG_LEVEL: 'info',
        GC_MODE: 'auto',
        ...env,
      }),
      // `taskset` execs node, so the child's pid is the server's.
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

  it('stays the process it was started as, and advises single-threaded GC in a line of its own', async () => {
    const p = startPinned();
    const line = await startedLine(p);
    expect(line).toMatchObject({ gc: 'concurrent', pid: p.child.pid });
    expect(p.lines.find((l) => l.msg.includes('--single-threaded-gc'))?.msg).toMatch(/^one core: start node with --single-threaded-gc/);
    expect((await fetch(`http://127.0.0.1:${line.port}/readyz`)).status).toBe(200);
    p.child.kill('SIGTERM');
    expect(await p.exited).toBe(0);
  });

  it('collects on its main thread when node was given the flag, and gives no advice', async () => {
    const p = startPinned({}, [SINGLE_THREADED_GC]);
    const line = await startedLine(p);
    expect(line).toMatchObject({ gc: 'main-thread', pid: p.child.pid });
    expect(p.lines.some((l) => l.msg.includes('--single-threaded-gc'))).toBe(false);
    p.child.kill('SIGTERM');
    expect(await p.exited).toBe(0);
  });

  it('gives cluster workers single-threaded GC when they have a core each or less', async () => {
    const p = startPinned({ WORKERS: '2' });
    const workers = await eventually(
      () => (p.lines.filter((l) => l.msg === 'started').length === 2 ? p.lines.filter((l) => l.msg === 'started') : false),
      {
        ms: 60_000,
        every: 50,
        what: 'both workers started',
      },
    );
    expect(workers.map((w) => w.gc)).toEqual(['main-thread', 'main-thread']);
    expect(new Set(workers.map((w) => w.pid)).size).toBe(2);
    p.child.kill('SIGTERM');
    expect(await p.exited).toBe(0);
  });
});
