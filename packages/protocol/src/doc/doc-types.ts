import type { z } from 'zod';

import { TicketField } from '../catalogue/tickets';
import {
  AiAgentStatus,
  ChannelType,
  ContentType,
  ConversationStatus,
  DeliveryStatus,
  Dialect,
  MessageRole,
  PresenceStatus,
  Role,
  TicketPriority,
  TicketStatus,
} from '../enums';
import { ErrorCode, ErrorPayload } from '../errors';
import { Id, IsoDate } from '../ids';
import { Classification, Conversation, Envelope, Message, Notification, PresenceEntry, Ticket, User, UserSummary } from '../models';

export interface DocType {
  name: string;
  schema: z.core.$ZodType;
  /** Shown instead of the rendered schema where the schema alone says too little. */
  definition?: string;
  note?: string;
}

/**
 * Schemas the protocol document refers to by name. Payload cells stay short
 * because these render as their name, and each is defined once in "Types".
 */
export const DOC_TYPES: readonly DocType[] = [
  { name: 'Id', schema: Id, definition: 'string of 1–128 letters, digits, `_`, `.`, `@` or `-`' },
  { name: 'IsoDate', schema: IsoDate, definition: 'string, an ISO 8601 timestamp in UTC' },
  { name: 'Role', schema: Role },
  { name: 'ConversationStatus', schema: ConversationStatus },
  { name: 'MessageRole', schema: MessageRole },
  { name: 'DeliveryStatus', schema: DeliveryStatus },
  { name: 'PresenceStatus', schema: PresenceStatus },
  { name: 'AiAgentStatus', schema: AiAgentStatus },
  { name: 'ContentType', schema: ContentType },
  { name: 'ChannelType', schema: ChannelType },
  { name: 'TicketStatus', schema: TicketStatus },
  { name: 'TicketPriority', schema: TicketPriority },
  { name: 'Dialect', schema: Dialect, note: 'the vocabulary of a socket on `/`' },
  { name: 'ErrorCode', schema: ErrorCode },
  { name: 'TicketField', schema: TicketField, note: 'a field name of Ticket' },
  {
    name: 'Envelope',
    schema: Envelope,
    note: 'carried by every broadcast of a logged event: its position in the event log and a stable id for deduplication',
  },
  { name: 'UserSummary', schema: UserSummary },
  { name: 'User', schema: User },
  { name: 'Classification', schema: Classification },
  { name: 'Conversation', schema: Conversation },
  { name: 'Message', schema: Message },
  { name: 'Ticket', schema: Ticket },
  { name: 'Notification', schema: Notification },
  { name: 'PresenceEntry', schema: PresenceEntry },
  { name: 'ErrorPayload', schema: ErrorPayload, note: 'the `error` event, and `error` in a failed ack' },
];

export const DOC_TYPE_NAMES: ReadonlyMap<z.core.$ZodType, string> = new Map(DOC_TYPES.map((type) => [type.schema, type.name]));
