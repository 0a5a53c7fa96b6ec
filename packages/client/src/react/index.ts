export { SwitchboardProvider, useSwitchboardClient } from './switchboard-context';
export { useSocket, type SocketView } from './use-socket';
export { useSocketEvent, useFacts } from './use-socket-event';
export { useConnectionStatus, type ConnectionStatusView } from './use-connection-status';
export { useConversationMessages, type ConversationMessagesOptions, type ConversationMessagesView } from './use-conversation-messages';
export { useTyping, type TypingView } from './use-typing';
export { usePresence, type PresenceView } from './use-presence';
export { useNamespace, useNamespaceEvent } from './use-namespace';
