import cluster, { type Worker } from 'node:cluster';

import { decodeFact, encodeFact, type EventRelay, type Fact, newNodeId } from './event-relay';

/** Marks our IPC messages among the others on the channel (sticky sessions, the cluster adapter). */
const KIND = 'switchboard:fact';

interface IpcMessage {
  kind: typeof KIND;
  body: string;
}

const isOurs = (m: unknown): m is IpcMessage =>
  typeof m === 'object' && m !== null && (m as { kind?: unknown }).kind === KIND && typeof (m as { body?: unknown }).body === 'string';

/**
 * Facts between the workers of one machine without Redis (`WORKERS` > 1): a worker sends to the
 * primary, which passes the message on to every other worker ({@link relayFactsBetweenWorkers}).
 */
export class ClusterIpcEventRelay implements EventRelay {
  readonly clustered = true;
  readonly nodeId = newNodeId();
  private handler: ((fact: Fact) => void) | null = null;
  private readonly listener = (message: unknown) => {
    if (!isOurs(message)) return;
    const decoded = decodeFact(message.body);
    if (decoded && decoded.from !== this.nodeId) this.handler?.(decoded.fact);
  };

  constructor() {
    if (!cluster.isWorker) throw new Error('ClusterIpcEventRelay runs in a cluster worker');
    process.on('message', this.listener);
  }

  send(fact: Fact): Promise<void> {
    const message: IpcMessage = { kind: KIND, body: encodeFact(this.nodeId, fact) };
    return new Promise((resolve, reject) => {
      if (!process.send || !process.connected) return reject(new Error('no IPC channel to the primary'));
      process.send(message, undefined, {}, (err) => (err ? reject(err) : resolve()));
    });
  }

  onFact(handler: (fact: Fact) => void): void {
    this.handler = handler;
  }

  async close(): Promise<void> {
    this.handler = null;
    process.off('message', this.listener);
  }
}

/** In the primary: passes each worker's facts to the other workers. */
export function relayFactsBetweenWorkers(): void {
  cluster.on('message', (from: Worker, message: unknown) => {
    if (!isOurs(message)) return;
    for (const worker of Object.values(cluster.workers ?? {})) {
      if (worker && worker !== from && worker.isConnected()) worker.send(message, undefined, () => undefined);
    }
  });
}
