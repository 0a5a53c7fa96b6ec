import { performance } from 'node:perf_hooks';

import { defaultClient as C } from '@switchboard/protocol';

import { percentile } from '../core/stats';
import { chatContent, type ChatGroup, type ChatGroups } from './chat-groups';
import type { IngestRoundResult, IngestRoundSpec } from './messages';

type Reply = { ok?: boolean; error?: { code?: string } } | undefined;

interface Sent {
  group: ChatGroup;
  answer: 'pending' | 'ok' | 'refused';
  heard: number;
}

/** Sequence numbers go on across rounds, so a late delivery from an earlier round is never taken for one of this round. */
let nextSeq = 1_000_000_000;

/**
 * Closed-loop ingest: each group's sender keeps `window` sends in flight and sends the next one
 * as soon as one is answered, for `durationMs`. The rate is whatever the server sustains; for
 * Switchboard an `ok` answer means the message is committed. After the window the outstanding
 * sends are answered and every acked message is checked for one delivery per listener.
 */
export async function runIngestRound(
  chat: ChatGroups,
  spec: IngestRoundSpec,
  mark: (phase: 'start' | 'end') => void,
): Promise<IngestRoundResult> {
  const groups = chat.groups;
  if (groups.length === 0) throw new Error('no chat group is connected');
  const listeners = groups[0]!.members.length;
  const sent = new Map<number, Sent>();
  const ackTimes: number[] = [];
  const refused: Record<string, number> = {};
  let duplicates = 0;
  let ackedInWindow = 0;
  let open = true;

  chat.onDelivery = (group, _member, seq) => {
    const message = sent.get(seq);
    if (!message || message.group !== group) return;
    if (message.heard >= listeners) duplicates++;
    else message.heard++;
  };

  const sendNext = (group: ChatGroup) => {
    if (!open) return;
    const seq = nextSeq++;
    const message: Sent = { group, answer: 'pending', heard: 0 };
    sent.set(seq, message);
    const at = performance.now();
    const payload = {
      conversationId: group.conversationId,
      content: chatContent(seq, spec.contentChars),
      contentType: 'text',
      clientMessageId: `ingest-${seq}`,
    };
    group.sender.emit(C.send_message.name, payload, (reply: Reply) => {
      ackTimes.push(performance.now() - at);
      if (reply?.ok === false) {
        message.answer = 'refused';
        const code = reply.error?.code ?? 'UNKNOWN';
        refused[code] = (refused[code] ?? 0) + 1;
      } else {
        message.answer = 'ok';
        if (open) ackedInWindow++;
      }
      sendNext(group);
    });
  };

  if (spec.marks) mark('start');
  const t0 = performance.now();
  for (const group of groups) for (let i = 0; i < spec.window; i++) sendNext(group);
  await new Promise((resolve) => setTimeout(resolve, spec.durationMs));
  open = false;
  const elapsedMs = performance.now() - t0;
  if (spec.marks) mark('end');

  const settled = () => [...sent.values()].every((m) => m.answer !== 'pending' && (m.answer !== 'ok' || m.heard >= listeners));
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
    lost += listeners - m.heard;
  }
  return {
    label: spec.label,
    elapsedMs,
    sent: sent.size,
    acked,
    ackedPerSec: ackedInWindow / (elapsedMs / 1000),
    refused,
    unanswered,
    lost,
    duplicates,
    ackP50Ms: percentile(ackTimes, 50),
    ackP99Ms: percentile(ackTimes, 99),
  };
}
