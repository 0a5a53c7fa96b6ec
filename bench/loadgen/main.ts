/**
 * A load generator process: holds many clients of one server and drives them
 * on the orchestrator's commands (see ./messages.ts). Started by
 * bench/core/loadgen-process.ts with an IPC channel, pinned to its own core.
 */
import { describeBufferutil } from '../core/native-addons';
import { ChatGroups } from './chat-groups';
import { ClientPool } from './client-pool';
import type { LoadgenCommand, LoadgenCommands, LoadgenMessage, LoadgenRequest } from './messages';
import { runChatRound } from './run-chat-round';
import { runFanoutRound } from './run-fanout-round';
import { runIngestRound } from './run-ingest-round';
import { StormClients } from './storm-clients';

if (!process.send) {
  console.error('bench/loadgen/main.ts is started by bench/run.ts (it needs an IPC channel)');
  process.exit(2);
}

const send = (message: LoadgenMessage) => process.send?.(message);
const pool = new ClientPool();
const chat = new ChatGroups();
const storm = new StormClients();

type Handlers = { [K in LoadgenCommand]: (spec: LoadgenCommands[K]['spec']) => Promise<LoadgenCommands[K]['result']> };

const handlers: Handlers = {
  connect: (spec) => pool.connect(spec),
  fanout: (spec) => runFanoutRound(pool, spec, (phase) => send({ type: 'mark', label: spec.label, phase })),
  chatConnect: (spec) => chat.connect(spec),
  chatRound: (spec) => runChatRound(chat, spec, (phase) => send({ type: 'mark', label: spec.label, phase })),
  ingestRound: (spec) => runIngestRound(chat, spec, (phase) => send({ type: 'mark', label: spec.label, phase })),
  storm: (spec) => storm.run(spec),
  disconnect: async () => ({ closed: pool.closeAll() + chat.closeAll() + storm.closeAll() }),
};

process.on('message', (raw) => {
  const request = raw as LoadgenRequest;
  if (request?.type !== 'request') return;
  const handler = handlers[request.command] as (spec: unknown) => Promise<unknown>;
  handler(request.spec).then(
    (result) => send({ type: 'reply', id: request.id, ok: true, result }),
    (err: unknown) =>
      send({ type: 'reply', id: request.id, ok: false, error: err instanceof Error ? (err.stack ?? err.message) : String(err) }),
  );
});

// The orchestrator went away: nothing left to do.
process.on('disconnect', () => process.exit(0));

send({ type: 'ready', bufferutil: describeBufferutil() });
