import { z } from 'zod';

import { ErrorCode } from '../errors';
import { Id } from '../ids';
import { Message } from '../models';
import { defineEvents } from './define';

const room = 'GET /api/conversations/:id/stream (Bearer token; whoever may read the conversation)';
/** One reply across its tokens, retries and final message: the stored message's clientMessageId. */
const ReplyId = z.string().min(1).max(128);

/**
 * Server-Sent Events of an assistant reply while it is written, for the widget. Each SSE `event:` line is an event name
 * below and its `data:` line the JSON payload. The whole reply is also stored and
 * sent once as `new_message` / `outbound_message`, so a client that missed the
 * stream loses nothing.
 */
export const streamServer = defineEvents('sse', 'server', {
  ready: {
    seeds: ['000'],
    room,
    description: 'The stream is open: replies written from now on arrive on it.',
    schema: z.object({ conversationId: Id }),
  },
  token: {
    seeds: ['000'],
    room,
    description: 'The next piece of an assistant reply; `index` counts from 0 within one attempt.',
    schema: z.object({ conversationId: Id, replyId: ReplyId, index: z.number().int().min(0), token: z.string() }),
  },
  done: {
    seeds: ['000'],
    room,
    description: 'The reply is complete and stored: the message as stored, with confidence and latencyMs.',
    schema: z.object({ conversationId: Id, replyId: ReplyId, message: Message }),
  },
  handoff: {
    seeds: ['000'],
    room,
    description: 'People take over: drop any partial reply of `replyId`; a person answers next.',
    schema: z.object({ conversationId: Id, replyId: ReplyId.nullable() }),
  },
  error: {
    seeds: ['000'],
    room,
    description: 'The reply failed; drop its partial text. With `retrying` a new attempt streams from index 0.',
    schema: z.object({ conversationId: Id, replyId: ReplyId, code: ErrorCode, message: z.string(), retrying: z.boolean() }),
  },
});
