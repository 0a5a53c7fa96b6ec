import { ChannelType, ConversationStatus, Id, SendMessage } from '@switchboard/protocol';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';

import type { Services } from '../../services';
import { requirePrincipal } from './http-auth';
import { ConversationModel, MessageModel } from './openapi/api-models';
import { doc } from './openapi/route-doc';
import { parse } from './parse';

const CreateBody = z.object({
  subject: z.string().max(500).optional(),
  channelType: ChannelType.optional(),
  contactId: Id.optional(),
  teamId: Id.optional(),
});
const IdParams = z.object({ id: Id });
const ListQuery = z.object({
  status: ConversationStatus.optional(),
  limit: z.coerce.number().int().min(1).max(200).optional(),
  before: z.string().max(64).optional(),
  /** A user id, `me` or `none` (unassigned). */
  assignee: Id.optional(),
  team: Id.optional(),
  label: Id.optional(),
});
const MessagesQuery = z.object({
  after: Id.optional(),
  limit: z.coerce.number().int().min(1).max(500).optional(),
});
const MessageBody = SendMessage.omit({ conversationId: true });

/** The conversation routes of the contract: the same services, and so the same rules, as the sockets. */
export function conversationRoutes(app: FastifyInstance, services: Services): void {
  // Every caller becomes a user of its tenant with its first request, whichever route that is.
  const who = async (req: Parameters<typeof requirePrincipal>[1]) => {
    const actor = await requirePrincipal(services.verify, req);
    await services.users.ensure(actor);
    return actor;
  };

  app.post(
    '/api/conversations',
    doc({
      tag: 'Conversations',
      auth: 'bearer',
      summary: 'Open a conversation',
      description: 'A customer opens its own (contactId is its sub); staff may name a contactId.',
      body: CreateBody,
      responses: { 201: { description: 'The new conversation', schema: ConversationModel } },
    }),
    async (request, reply) => {
      const actor = await who(request);
      const body = parse(CreateBody, request.body ?? {});
      const conversation = await services.conversations.create(actor, body);
      return reply.status(201).send(conversation);
    },
  );

  app.get(
    '/api/conversations',
    doc({
      tag: 'Conversations',
      auth: 'bearer',
      summary: 'List the conversations the caller may see',
      description:
        "Newest activity first; page with `before`. Customers see their own. Each carries its contact, a preview of its newest message and the caller's unread count; for staff also its labels and the AI's classification (category, priority). Narrow with `status`, `assignee` (a user id, `me` or `none`), `team` and `label` (a label id; staff only).",
      query: ListQuery,
      responses: { 200: { description: 'A page of conversations', schema: z.object({ conversations: z.array(ConversationModel) }) } },
    }),
    async (request) => {
      const actor = await who(request);
      const conversations = await services.inbox.list(actor, parse(ListQuery, request.query));
      return { conversations };
    },
  );

  app.get(
    '/api/conversations/:id',
    doc({
      tag: 'Conversations',
      auth: 'bearer',
      summary: 'Read a conversation',
      params: IdParams,
      responses: { 200: { description: 'The conversation', schema: ConversationModel } },
    }),
    async (request) => {
      const actor = await who(request);
      return services.inbox.get(actor, parse(IdParams, request.params).id);
    },
  );

  app.get(
    '/api/conversations/:id/messages',
    doc({
      tag: 'Messages',
      auth: 'bearer',
      summary: "Read a conversation's messages",
      description: 'Oldest first; `after` a message id for the ones that follow it.',
      params: IdParams,
      query: MessagesQuery,
      responses: { 200: { description: 'Messages', schema: z.object({ messages: z.array(MessageModel) }) } },
    }),
    async (request) => {
      const actor = await who(request);
      const { id } = parse(IdParams, request.params);
      const messages = await services.messages.list(actor, id, parse(MessagesQuery, request.query));
      return { messages };
    },
  );

  app.post(
    '/api/conversations/:id/messages',
    doc({
      tag: 'Messages',
      auth: 'bearer',
      summary: 'Send a message',
      description:
        "The same path as the socket's `send_message`: answered once the message is committed. A repeated clientMessageId answers 200 with the stored message.",
      params: IdParams,
      body: MessageBody,
      responses: {
        201: { description: 'The stored message', schema: MessageModel },
        200: { description: 'The message already stored under this clientMessageId', schema: MessageModel },
      },
    }),
    async (request, reply) => {
      const actor = await who(request);
      const { id } = parse(IdParams, request.params);
      const body = parse(MessageBody, request.body ?? {});
      const { message, created } = await services.messages.send(actor, { ...body, conversationId: id });
      return reply.status(created ? 201 : 200).send(message);
    },
  );
}
