import type { LoadgenCommand, LoadgenCommands, LoadgenMessage } from '../loadgen/messages';
import { stopChild } from './child-processes';
import { type SpawnedNode, spawnNode } from './spawn-node';

export interface LoadgenStart {
  cwd: string;
  cpu: string | null;
  fdLimit: number | null;
  nice: number;
}

/**
 * The orchestrator's handle on one load generator process: typed requests over
 * IPC, and the `mark` messages that bracket each measured window.
 *
 * @example
 * const lg = await LoadgenProcess.start({ cwd, cpu: '1', fdLimit: null });
 * await lg.request('connect', spec);
 */
export class LoadgenProcess {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  onMark: (label: string, phase: 'start' | 'end') => void = () => {};
  bufferutil = 'unknown';

  private constructor(private readonly spawned: SpawnedNode) {
    spawned.child.on('message', (raw) => this.handle(raw as LoadgenMessage));
    spawned.child.once('exit', (code, signal) => {
      const why = new Error(`load generator exited (${signal ?? code}):\n${spawned.output.text()}`);
      for (const waiter of this.pending.values()) waiter.reject(why);
      this.pending.clear();
    });
  }

  get pid(): number {
    return this.spawned.pid;
  }

  static start(options: LoadgenStart): Promise<LoadgenProcess> {
    const spawned = spawnNode({
      script: 'bench/loadgen/main.ts',
      cwd: options.cwd,
      cpu: options.cpu,
      fdLimit: options.fdLimit,
      nice: options.nice,
      ipc: true,
      // A larger young generation: fewer scavenges for the many short-lived frame buffers.
      nodeFlags: ['--max-semi-space-size=32'],
    });
    const lg = new LoadgenProcess(spawned);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`load generator did not start:\n${spawned.output.text()}`)), 20000);
      spawned.child.once('exit', () => {
        clearTimeout(timer);
        reject(new Error(`load generator exited at start:\n${spawned.output.text()}`));
      });
      spawned.child.on('message', (raw) => {
        const msg = raw as LoadgenMessage;
        if (msg.type !== 'ready') return;
        clearTimeout(timer);
        lg.bufferutil = msg.bufferutil;
        resolve(lg);
      });
    });
  }

  request<K extends LoadgenCommand>(command: K, spec: LoadgenCommands[K]['spec']): Promise<LoadgenCommands[K]['result']> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.spawned.child.send({ type: 'request', id, command, spec });
    });
  }

  stop(): Promise<void> {
    return stopChild(this.spawned.child, 3000);
  }

  private handle(msg: LoadgenMessage): void {
    if (msg.type === 'mark') return this.onMark(msg.label, msg.phase);
    if (msg.type !== 'reply') return;
    const waiter = this.pending.get(msg.id);
    if (!waiter) return;
    this.pending.delete(msg.id);
    if (msg.ok) waiter.resolve(msg.result);
    else waiter.reject(new Error(msg.error));
  }
}
