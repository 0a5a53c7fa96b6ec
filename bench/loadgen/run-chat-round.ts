import { performance } from 'node:perf_hooks';

import { defaultClient as C } from '@switchboard/protocol';

import { percentile } from '../core/stats';
import { chatContent, type ChatGroup, type ChatGroups } from './chat-groups';
import type { ChatRoundResult, ChatRoundSpec } from './messages';

interface SentMessage {
  group: ChatGroup;
  sentAt: number;
  answer: 'pending' | 'ok' | 'refused';
  /** One bit per listener that received it. */
  heard: number;
  heardCount: number;
}

type Reply = { ok?: boolean; error?: { code?: string } } | undefined;

/** Sequence numbers go on across rounds, so a late delivery from an earlier round is never taken for one of this round. */
let nextSeq = 1;

/**
 * One chat round: `send_message` from the groups' senders on a fixed schedule
 * (open loop: a slow server does not slow the schedule, it shows as latency),
 * round-robin over the groups; each `new_message` at a listener is timed from
 * its send. After the window, outstanding deliveries drain, and every acked
 * message is checked for exactly one delivery per listener.
 */
export async function runChatRound(
  chat: ChatGroups,
  spec: ChatRoundSpec,
  mark: (phase: 'start' | 'end') => void,
): Promise<ChatRoundResult> {
  const groups = chat.groups;
  if (groups.length === 0) throw new Error('no chat group is connected');
  const listeners = groups[0]!.members.length;
  const sent = new Map<number, SentMessage>();
  const latencies: number[] = [];
  const ackTimes: number[] = [];
  const refused: Record<string, number> = {};
  let duplicates = 0;
  let deliveries = 0;
  const dropsBefore = chat.drops;

  chat.onDelivery = (group, member, seq) => {
    const message = sent.get(seq);
    if (!message || message.group !== group) return;
    const bit = 1 << member;
    if (message.heard & bit) {
      duplicates++;
      return;
    }
    message.heard |= bit;
    message.heardCount++;
    deliveries++;
    latencies.push(performance.now() - message.sentAt);
  };

  const send = (index: number) => {
    const seq = nextSeq++;
    const group = groups[index % groups.length]!;
    const message: SentMessage = { group, sentAt: performance.now(), answer: 'pending', heard: 0, heardCount: 0 };
    sent.set(seq, message);
    const payload = {
      conversationId: group.conversationId,
      content: chatContent(seq, spec.contentChars),
      contentType: 'text',
      clientMessageId: `bench-${seq}`,
    };
    group.sender.emit(C.send_message.name, payload, (reply: Reply) => {
      ackTimes.push(performance.now() - message.sentAt);
      if (reply?.ok === false) {
        message.answer = 'refused';
        const code = reply.error?.code ?? 'UNKNOWN';
        refused[code] = (refused[code] ?? 0) + 1;
      } else {
        message.answer = 'ok';
      }
    });
  };

  if (spec.marks) mark('start');
  const t0 = performance.now();
  let count = 0;
  await new Promise<void>((resolve) => {
    const tick = () => {
      const elapsed = performance.now() - t0;
      const due = Math.floor((Math.min(elapsed, spec.durationMs) / 1000) * spec.ratePerSec);
      while (count < due) send(count++);
      if (elapsed >= spec.durationMs) {
        clearInterval(timer);
        resolve();
      }
    };
    const timer = setInterval(tick, 2);
  });
  const windowMs = performance.now() - t0;
  if (spec.marks) mark('end');

  const settled = () => {
    for (const m of sent.values()) {
      if (m.answer === 'pending' || (m.answer === 'ok' && m.heardCount < listeners)) return false;
    }
    return true;
  };
  const drainUntil = performance.now() + spec.drainMs;
  while (!settled() && performance.now() < drainUntil) await new Promise((r) => setTimeout(r, 50));
  chat.onDelivery = () => {};

  let acked = 0;
  let unanswered = 0;
  let lost = 0;
  for (const m of sent.values()) {
    if (m.answer === 'pending') unanswered++;
    if (m.answer !== 'ok') continue;
    acked++;
    lost += listeners - m.heardCount;
  }
  return {
    label: spec.label,
    sent: sent.size,
    sentPerSec: sent.size / (windowMs / 1000),
    acked,
    refused,
    unanswered,
    deliveries,
    lost,
    duplicates,
    latencyP50Ms: percentile(latencies, 50),
    latencyP99Ms: percentile(latencies, 99),
    latencyMaxMs: percentile(latencies, 100),
    ackP50Ms: percentile(ackTimes, 50),
    ackP99Ms: percentile(ackTimes, 99),
    disconnects: chat.drops - dropsBefore,
  };
}
