import type { OutputTail } from '../core/output-tail';
import type { ChatProfile } from '../loadgen/messages';

/** What the load generator's clients speak to a server. */
export type ClientProtocol = 'socket.io' | 'ws';

/** Shared secrets and placement for one server start. */
export interface StartContext {
  cwd: string;
  jwtSecret: string;
  internalApiKey: string;
  /** CPU to pin to, or null. */
  cpu: string | null;
  /** Open-file soft limit to raise to, or null. */
  fdLimit: number | null;
  /** Niceness to run at (0: unchanged). */
  nice: number;
  /** Start with `--inspect=127.0.0.1:0` so the harness can force GC and read heap figures. */
  inspect: boolean;
  /** Settings a scenario needs on top of the target's own (noisy-neighbour: the default rate limits). */
  env?: Record<string, string>;
}

/** How to make a server broadcast one event to every client of a tenant. */
export interface TriggerSpec {
  url: string;
  headers: Record<string, string>;
  /** The JSON body without its payload; the driver adds `payload`. */
  envelope: Record<string, unknown>;
}

export interface RunningServer {
  name: string;
  pid: number;
  /** `http://127.0.0.1:<port>`: where broadcasts are triggered and HTTP calls go. */
  baseUrl: string;
  /** Every node's address; clients are spread over them (one entry for a single node). */
  baseUrls: string[];
  /** The server's processes now: each node and its workers. */
  pids(): number[];
  /** Processes of the outside services it uses (its PostgreSQL backends, Redis): measured, never paused. */
  servicePids(): Promise<number[]>;
  /** DevTools endpoint when started with `inspect`, else null. */
  inspectorUrl: string | null;
  /** With `inspect`: the DevTools endpoint of every process (a cluster's primary and workers), in start order. */
  inspectorUrls: string[];
  command: string;
  output: OutputTail;
  /** The broadcast trigger for `event` to every client of `tenantId`. */
  trigger(tenantId: string, event: string): TriggerSpec;
  stop(): Promise<void>;
}

/**
 * A server under test. New targets (a multi-worker or two-node Switchboard, say)
 * are one more file in this folder plus a line in `allTargets`.
 */
export interface ServerTarget {
  name: string;
  description: string;
  protocol: ClientProtocol;
  /** Token claims a client of this server needs beyond the contract's. */
  extraClaims(tenantId: string): Record<string, unknown>;
  /** Why the server cannot be started here, or null when it can (read once per run). */
  unavailableReason(cwd: string): string | null | Promise<string | null>;
  /** How the chat-latency scenario drives it, or null when it has no chat events (raw ws). */
  chat: ChatProfile | null;
  /** More than one process (workers or nodes): per-connection memory is not measured on it. */
  multiProcess?: boolean;
  /**
   * The settings (`StartContext.env`) that run this server as `processes` processes on one machine,
   * sharing one port; absent when it cannot (embedded PGlite, raw ws). For a count of connections one
   * process cannot hold under the open-file hard limit (idle-many).
   */
  spread?(processes: number): Record<string, string>;
  start(ctx: StartContext): Promise<RunningServer>;
}
