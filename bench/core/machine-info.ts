import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';

import type { FdLimits } from './fd-limits';
import { describeBufferutil, packageVersion } from './native-addons';
import type { PinPlan } from './pin-plan';

/** The machine a run happened on, as printed in the report. */
export interface MachineInfo {
  cpus: number;
  cpuModel: string;
  memory: string;
  os: string;
  node: string;
  packages: string;
  bufferutil: string;
  pinning: string;
  fdLimits: string;
  git: string;
}

function read(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

function run(file: string, args: string[], cwd: string): string {
  try {
    return execFileSync(file, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return '';
  }
}

export function describeMachine(cwd: string, pin: PinPlan, fd: FdLimits | null, fdRaisedTo: number | null): MachineInfo {
  const cpuinfo = read('/proc/cpuinfo');
  const model = /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1]?.trim() ?? os.cpus()[0]?.model ?? 'unknown';
  const mhz = /^cpu MHz\s*:\s*([\d.]+)$/m.exec(cpuinfo)?.[1];
  const pretty = /^PRETTY_NAME="?([^"\n]+)"?$/m.exec(read('/etc/os-release'))?.[1] ?? `${os.type()}`;
  const commit = run('git', ['rev-parse', '--short', 'HEAD'], cwd);
  const dirty = run('git', ['status', '--porcelain'], cwd) ? ' (working tree has changes)' : '';
  return {
    cpus: Number(run('nproc', [], cwd)) || os.availableParallelism(),
    cpuModel: mhz ? `${model} @ ${Math.round(Number(mhz))} MHz` : model,
    memory: `${(os.totalmem() / 1024 ** 3).toFixed(1)} GiB`,
    os: `${pretty}, Linux ${os.release()} ${os.arch()}`.replace('Linux Linux', 'Linux'),
    node: process.version,
    packages: ['socket.io', 'socket.io-client', 'engine.io', 'ws', 'jose'].map((p) => `${p} ${packageVersion(cwd, p)}`).join(', '),
    bufferutil: describeBufferutil(),
    pinning: pin.description,
    fdLimits: fd ? `soft ${fd.soft}, hard ${fd.hard}${fdRaisedTo ? `; children raised to ${fdRaisedTo}` : '; enough'}` : 'unknown',
    git: commit ? `${commit}${dirty}` : 'unknown',
  };
}
