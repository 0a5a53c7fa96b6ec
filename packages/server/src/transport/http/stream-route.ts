import type { OutgoingHttpHeaders } from 'node:http';

import { Id, streamServer as SSE } from '@switchboard/protocol';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';

import type { StreamEvent } from '../../ai/reply-streams';
import { AppError } from '../../errors';
import type { Services } from '../../services';
import { bearerToken } from '../token-source';
import { doc } from './openapi/route-doc';
import { parse } from './parse';
import { StreamSlots } from './stream-slots';

const IdParams = z.object({ id: Id });
/** EventSource cannot send headers, so a browser may put the token in the query instead. */
const StreamQuery = z.object({ token: z.string().min(1).max(4_096).optional() });
const HEARTBEAT_MS = 15_000;
/** setTimeout's ceiling; a token living longer is simply not watched. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * `GET /api/conversations/:id/stream`: assistant replies as Server-Sent Events
 * while they are written (the AI widget's stream). Same access rule as reading the
 * conversation. The stream ends when the token expires or the server stops; a
 * client reconnects and reads stored messages for what it missed.
 */
export function streamRoute(app: FastifyInstance, services: Services): void {
  const slots = new StreamSlots(services.config.SSE_MAX_STREAMS_PER_USER);
  app.get(
    '/api/conversations/:id/stream',
    doc({
      tag: 'Messages',
      auth: 'bearer',
      summary: 'Assistant replies as Server-Sent Events while they are written',
      description:
        'EventSource cannot send headers: a browser may pass the token as `?token=`. Events: ready, then assistant tokens and the stored reply; ends when the token expires.',
      params: IdParams,
      query: StreamQuery,
      responses: { 200: { description: 'An event stream', contentType: 'text/event-stream' } },
    }),
    async (request, reply) => {
      const token = bearerToken(request.headers.authorization) ?? parse(StreamQuery, request.query).token;
      if (!token) throw new AppError('MISSING_TOKEN', 'Send Authorization: Bearer <token>');
      const actor = await services.verify(token);
      const conversation = await services.conversations.getReadable(actor, parse(IdParams, request.params).id);
      const releaseSlot = slots.take(`${actor.accountId}:${actor.userId}`);

      reply.hijack();
      const res = reply.raw;
      // Headers set by hooks (CORS, helmet) are kept; the rest is what SSE needs through proxies.
      res.writeHead(200, {
        ...(reply.getHeaders() as OutgoingHttpHeaders),
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
      });
      const send = (e: StreamEvent) => {
        if (!res.writableEnded) res.write(`event: ${e.event}\ndata: ${JSON.stringify(e.data)}\n\n`);
      };
      let finished = false;
      const finish = () => {
        if (finished) return;
        finished = true;
        releaseSlot();
        clearInterval(heartbeat);
        services.clock.clearTimeout(expiry);
        unsubscribe();
        if (!res.writableEnded) res.end();
      };
      const unsubscribe = services.ai.streams.subscribe(actor.accountId, conversation.id, { send, end: finish });
      const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), HEARTBEAT_MS);
      const left = actor.exp * 1_000 - services.clock.now();
      const expiry = left < MAX_TIMER_MS ? services.clock.setTimeout(finish, Math.max(0, left)) : undefined;
      // The response's close, not the request's: a GET's request "closes" as soon as its empty body is read.
      res.on('close', finish);
      if (res.destroyed) finish();
      send({ event: SSE.ready.name, data: { conversationId: conversation.id } });
    },
  );
}
