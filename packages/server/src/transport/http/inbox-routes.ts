import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { Id } from '@switchboard/protocol';
import type { Services } from '../../services';
import { requirePrincipal } from './http-auth';
import { ConversationModel } from './openapi/api-models';
import { doc } from './openapi/route-doc';
import { parse } from './parse';

const IdParams = z.object({ id: Id });
const ReadBody = z.object({ messageId: Id.optional() });

/** The agents' inbox (issue 16): read positions and search. */
export function inboxRoutes(app: FastifyInstance, services: Services): void {
  const who = (req: Parameters<typeof requirePrincipal>[1]) => requirePrincipal(services.verify, req);

  app.post('/api/conversations/:id/read', doc({ tag: 'Conversations', auth: 'bearer', summary: 'Mark a conversation read', description: 'Moves the caller\'s read position up to `messageId`, or to the newest message; it never moves backwards. The socket\'s `mark_read` moves the same position. Answers the conversation with the caller\'s new unread count.', params: IdParams, body: ReadBody, responses: { 200: { description: 'The conversation with its unread count', schema: ConversationModel } } }), async (request) => {
    const actor = await who(request);
    const { id } = parse(IdParams, request.params);
    const { messageId } = parse(ReadBody, request.body ?? {});
    return services.inbox.markRead(actor, id, messageId);
  });
}
