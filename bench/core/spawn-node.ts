import { type ChildProcess, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';

import { trackChild } from './child-processes';
import { OutputTail } from './output-tail';

export interface SpawnNodeOptions {
  /** TypeScript entry, relative to `cwd`; run by Node itself with tsx's loader, so `pid` is the server's. */
  script: string;
  cwd: string;
  args?: string[];
  /** Node flags placed before the script, e.g. `--inspect=127.0.0.1:0`. */
  nodeFlags?: string[];
  env?: NodeJS.ProcessEnv;
  /** Pin to this CPU list with taskset, when given. */
  cpu?: string | null;
  /**
   * Run at this niceness (negative needs root; without it the child runs at the
   * normal priority). With the kernel's autogroup scheduling, niceness only
   * orders tasks within one session, so the child also gets a session of its own
   * whose group niceness is set through /proc/<pid>/autogroup.
   */
  nice?: number;
  /** Raise the open-file soft limit to this value through `sh -c 'ulimit -n …; exec …'`, when given. */
  fdLimit?: number | null;
  /** Open a Node IPC channel (for the load generator). */
  ipc?: boolean;
}

export interface SpawnedNode {
  child: ChildProcess;
  pid: number;
  output: OutputTail;
  /** The command line, for the report. */
  command: string;
}

/**
 * Starts `node --import tsx <script>` (not the `tsx` CLI, which would put a
 * wrapper process between us and the code under test), wrapped by `taskset`
 * `nice` and `ulimit` where asked. Each wrapper `exec`s the next, so the pid is Node's.
 */
export function spawnNode(options: SpawnNodeOptions): SpawnedNode {
  let argv = [process.execPath, ...(options.nodeFlags ?? []), '--import', 'tsx', options.script, ...(options.args ?? [])];
  if (options.cpu != null) argv = ['taskset', '-c', options.cpu, ...argv];
  if (options.nice) argv = ['nice', '-n', String(options.nice), ...argv];
  if (options.fdLimit != null) argv = ['sh', '-c', `ulimit -n ${options.fdLimit} && exec "$@"`, 'sh', ...argv];
  const [file, ...rest] = argv as [string, ...string[]];
  const child = spawn(file, rest, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    stdio: ['ignore', 'pipe', 'pipe', ...(options.ipc ? (['ipc'] as const) : [])],
    detached: Boolean(options.nice),
  });
  if (child.pid === undefined) throw new Error(`could not start ${options.script}`);
  if (options.nice) {
    try {
      writeFileSync(`/proc/${child.pid}/autogroup`, String(options.nice));
    } catch {
      // no autogroup scheduling here, or not allowed: `nice -n` is all there is
    }
  }
  trackChild(child);
  const output = new OutputTail();
  output.attach(child.stdout);
  output.attach(child.stderr);
  return { child, pid: child.pid, output, command: argv.slice(argv.indexOf(process.execPath)).join(' ') };
}
