import { AiAgent, AiSettings, Conversation, CreditLedgerEntry, Handoff, KnowledgeItem, Message, Ticket } from '@switchboard/protocol';
import { z } from 'zod';

import { ActionCosts } from '../../../ai/plan-costs';
import { named } from './route-doc';

/*
 * The response bodies of the HTTP API, as named components of /openapi.json.
 * The entities are the protocol's own schemas, the ones sockets carry too.
 */
export const ConversationModel = named('Conversation', Conversation);
export const MessageModel = named('Message', Message);
export const TicketModel = named('Ticket', Ticket);
export const AiSettingsModel = named('AiSettings', AiSettings);
export const AiAgentModel = named('AiAgent', AiAgent);
export const KnowledgeItemModel = named('KnowledgeItem', KnowledgeItem);
export const HandoffModel = named('Handoff', Handoff);
export const CreditLedgerEntryModel = named('CreditLedgerEntry', CreditLedgerEntry);
export const ActionCostsModel = named('ActionCosts', ActionCosts);
export const Ok = named('Ok', z.object({ ok: z.literal(true) }));
