import { z } from 'zod';

/** Who a token speaks for. Staff are every role but `customer`. */
export const Role = z.enum(['admin', 'agent', 'viewer', 'customer']);
export type Role = z.infer<typeof Role>;
export const STAFF_ROLES = ['admin', 'agent', 'viewer'] as const satisfies readonly Role[];
export const isStaff = (role: Role): boolean => role !== 'customer';

export const ConversationStatus = z.enum(['OPEN', 'PENDING', 'HANDED_OFF', 'RESOLVED']);
export type ConversationStatus = z.infer<typeof ConversationStatus>;

export const MessageRole = z.enum(['USER', 'ASSISTANT', 'SYSTEM', 'HUMAN_AGENT']);
export type MessageRole = z.infer<typeof MessageRole>;

export const DeliveryStatus = z.enum(['sent', 'delivered', 'read']);
export type DeliveryStatus = z.infer<typeof DeliveryStatus>;

export const PresenceStatus = z.enum(['online', 'busy', 'away', 'offline']);
export type PresenceStatus = z.infer<typeof PresenceStatus>;

export const AiAgentStatus = z.enum(['ACTIVE', 'INACTIVE']);
export type AiAgentStatus = z.infer<typeof AiAgentStatus>;

export const ContentType = z.enum(['text', 'image', 'file', 'audio', 'video', 'location', 'template']);
export type ContentType = z.infer<typeof ContentType>;

export const ChannelType = z.enum(['web', 'whatsapp', 'email', 'sms', 'api']);
export type ChannelType = z.infer<typeof ChannelType>;

export const TicketStatus = z.enum(['open', 'pending', 'on_hold', 'solved', 'closed']);
export type TicketStatus = z.infer<typeof TicketStatus>;

export const TicketPriority = z.enum(['low', 'medium', 'high', 'urgent']);
export type TicketPriority = z.infer<typeof TicketPriority>;

/** Which vocabulary a socket on the default namespace speaks (brief, decision 2). */
export const Dialect = z.enum(['default', 'portal', 'widget']);
export type Dialect = z.infer<typeof Dialect>;
