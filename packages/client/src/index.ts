export { SwitchboardClient } from './switchboard-client';
export type {
  ConnectionState,
  ConnectionStatus,
  InEventName,
  InPayload,
  OutAck,
  OutEventName,
  OutPayload,
  Session,
  SwitchboardClientOptions,
} from './switchboard-client';
export { SwitchboardError } from './api-error';
export { HttpApi, type PolledEvent, type UpdatesPage } from './http-api';
export { StaffApi } from './staff-api';
export { Outbox, type OutboxEntry, type OutboxState, type SendInput } from './outbox';
export { NamespaceConnection, type NamespacePath, type NamespaceState, type NamespaceStatus } from './namespace-connection';
export { ConversationFeed, type FeedMessage, type FeedSnapshot } from './conversation-feed';
export { TypingTracker, type Typist, type TypingOptions } from './typing-tracker';
export { PresenceTracker, type PresenceMap } from './presence-tracker';
export { ReceiptSender } from './receipts';
export { streamAssistantReplies, type AssistantStreamHandlers } from './assistant-stream';
export { openEventStream, drainFrames, type EventStreamHandle, type StreamEvent } from './event-stream';
export { factsOf, type Fact } from './facts';
export { compareMessages, fromMessage, laterStatus, statusAtLeast, type ChatMessage } from './chat-message';
export { BoundedSet } from './bounded-set';
export { RECONNECT_DELAYS_MS, SEND_RETRY_DELAYS_MS, reconnectDelay } from './backoff';
export { newClientMessageId } from './client-message-id';
export { fillPlaceholders, type FilledText, type PlaceholderContext } from './placeholders';
export { readTokenClaims, type TokenClaims } from './token-claims';
export * from './protocol-constants';
export type {
  AgentMetrics,
  Attachment,
  AttachmentRef,
  CannedResponse,
  Classification,
  Label,
  LabelRef,
  ContactSummary,
  Conversation,
  LastMessagePreview,
  Note,
  SearchHit,
  SearchPage,
  ConversationStatus,
  DeliveryStatus,
  Message,
  MessageRole,
  Notification,
  PresenceEntry,
  PresenceStatus,
  QueueMetrics,
  Role,
  SlaMetrics,
  TicketMetrics,
} from '@switchboard/protocol';
