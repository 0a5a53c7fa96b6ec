import { randomBytes } from 'node:crypto';

import { z } from 'zod';

import type { EphemeralEvent, LoggedEvent } from '../domain/domain-event';

/** A fact one node hands to the others: a logged event (history) or a signal (typing, presence). */
export type Fact = { kind: 'logged'; event: LoggedEvent } | { kind: 'signal'; event: EphemeralEvent };

/**
 * How the nodes of a cluster tell each other about the facts they raised, so each node emits every
 * fact to its own sockets (and only those). Best effort by design: a logged event that a relay
 * drops still reaches every node through the outbox tailer (realtime/outbox-tailer.ts), which reads
 * it back from the event log; a dropped signal is state that the next one replaces.
 *
 * Implementations: {@link LocalEventRelay} (one node), `InProcessRelayHub` (several servers in one
 * process, for tests), `RedisEventRelay` (pub/sub) and `ClusterIpcEventRelay` (node cluster workers).
 */
export interface EventRelay {
  /** False when this node is alone: there is nobody to relay to, and no tailer is needed. */
  readonly clustered: boolean;
  readonly nodeId: string;
  /** Hands a fact to the transport; rejects when the transport is down (the caller only logs it). */
  send(fact: Fact): Promise<void>;
  /** The one handler for facts raised by other nodes. */
  onFact(handler: (fact: Fact) => void): void;
  close(): Promise<void>;
}

export function newNodeId(): string {
  return randomBytes(6).toString('hex');
}

const LoggedShape = z.looseObject({
  type: z.string().min(1),
  accountId: z.string().min(1),
  seq: z.number().int().positive(),
  eventId: z.string().min(1),
  createdAt: z.string().min(1),
  prevSeq: z.number().int().positive().nullable().optional(),
});
const SignalShape = z.looseObject({ type: z.string().min(1) });

/** What travels between nodes; `from` lets a node drop its own messages off a shared channel. */
const RelayEnvelope = z.object({
  v: z.literal(1),
  from: z.string().min(1),
  fact: z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('logged'), event: LoggedShape }),
    z.object({ kind: z.literal('signal'), event: SignalShape }),
  ]),
});

export function encodeFact(from: string, fact: Fact): string {
  return JSON.stringify({ v: 1, from, fact });
}

/**
 * Parses a relayed message. Other nodes are trusted to send well-formed domain events (they run this
 * code and share its key prefix); the check keeps a stray or truncated message from reaching the
 * broadcaster as something it is not.
 */
export function decodeFact(raw: string | unknown): { from: string; fact: Fact } | null {
  let value: unknown = raw;
  if (typeof raw === 'string') {
    try {
      value = JSON.parse(raw);
    } catch {
      return null;
    }
  }
  const parsed = RelayEnvelope.safeParse(value);
  if (!parsed.success) return null;
  return { from: parsed.data.from, fact: parsed.data.fact as unknown as Fact };
}

/** One node: nothing to relay. */
export class LocalEventRelay implements EventRelay {
  readonly clustered = false;
  readonly nodeId = newNodeId();
  async send(): Promise<void> {}
  onFact(): void {}
  async close(): Promise<void> {}
}
