import type { Message, PayloadOf, streamServer } from '@switchboard/protocol';

import { type EventStreamHandle, openEventStream, type StreamEvent } from './event-stream';
import type { HttpApi } from './http-api';
import { StreamIn } from './protocol-constants';

type Stream = typeof streamServer;

export interface AssistantStreamHandlers {
  /** The stream is open; replies written from now on arrive on it. */
  onReady?: () => void;
  /** The reply so far, each time a token arrives. */
  onText(replyId: string, text: string): void;
  /** The reply is complete and stored. */
  onDone(replyId: string, message: Message): void;
  /** Drop the partial reply: it failed (a retry, if any, streams again from the start) or people took over. */
  onDrop(replyId: string | null): void;
}

/**
 * Follows `GET /api/conversations/:id/stream` (assistant replies streamed
 * token by token to the widget), one long-lived stream per conversation. The
 * complete reply also arrives as a normal message, so missing the stream loses nothing.
 */
export function streamAssistantReplies(api: HttpApi, conversationId: string, handlers: AssistantStreamHandlers): EventStreamHandle {
  const texts = new Map<string, string>();
  return openEventStream(api, `/api/conversations/${encodeURIComponent(conversationId)}/stream`, (e: StreamEvent) => {
    let data: unknown;
    try {
      data = JSON.parse(e.data);
    } catch {
      return;
    }
    switch (e.event) {
      case StreamIn.ready:
        handlers.onReady?.();
        return;
      case StreamIn.token: {
        const t = data as PayloadOf<Stream[typeof StreamIn.token]>;
        // index 0 starts an attempt: a retried reply replaces what the failed one wrote.
        const text = (t.index === 0 ? '' : (texts.get(t.replyId) ?? '')) + t.token;
        texts.set(t.replyId, text);
        handlers.onText(t.replyId, text);
        return;
      }
      case StreamIn.done: {
        const d = data as PayloadOf<Stream[typeof StreamIn.done]>;
        texts.delete(d.replyId);
        handlers.onDone(d.replyId, d.message);
        return;
      }
      case StreamIn.handoff:
      case StreamIn.error: {
        const d = data as PayloadOf<Stream[typeof StreamIn.handoff]>;
        if (d.replyId) texts.delete(d.replyId);
        handlers.onDrop(d.replyId);
        return;
      }
      default:
        return;
    }
  });
}
