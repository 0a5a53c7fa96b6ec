import type { chatClient, chatServer } from './chat';
import type { dashboardServer } from './dashboard';
import type { defaultClient, defaultServer } from './default';
import type { EmitMap, ListenMap } from './define';
import type { notificationsClient, notificationsServer } from './notifications';
import type { portalServer } from './portal';
import type { presenceClient, presenceServer } from './presence';
import type { ticketsClient, ticketsServer } from './tickets';
import type { widgetServer } from './widget';

/*
 * Socket.IO event maps, one pair per namespace or vocabulary.
 *
 * @example
 * const io = new Server<DefaultClientEvents, DefaultServerEvents>();
 * // Socket.IO types `of()` with the server's own maps, so a named namespace is cast once, where it is made.
 * const tickets = io.of('/tickets') as unknown as Namespace<TicketsClientEvents, TicketsServerEvents>;
 * const socket: Socket<TicketsServerEvents, TicketsClientEvents> = ioClient(`${url}/tickets`);
 * const res = await socket.emitWithAck('ticket:subscribe', { ticketId }); // Ack<Ticket>
 */

/** Everything a client may send on `/`, whatever vocabulary it listens in. */
export type ClientToServerDefault = ListenMap<typeof defaultClient>;
/**
 * Everything the server may send on `/`: one namespace, three vocabularies
 * (default, portal, widget); each socket receives only its own.
 */
export type ServerToClientDefault = EmitMap<typeof defaultServer> & EmitMap<typeof portalServer> & EmitMap<typeof widgetServer>;

/** The portal vocabulary, for a client that connects with `auth.dialect = "portal"`; it sends the default events. */
export type ClientToServerPortal = ClientToServerDefault;
export type ServerToClientPortal = EmitMap<typeof portalServer>;

/** The widget vocabulary, on `/tenant/{tenantId}/conv/{conversationId}` or `/` with `{ tenantId, conversationId }` in the query. */
export type ClientToServerWidget = ClientToServerDefault;
export type ServerToClientWidget = EmitMap<typeof widgetServer>;

export type ClientToServerTickets = ListenMap<typeof ticketsClient>;
export type ServerToClientTickets = EmitMap<typeof ticketsServer>;

export type ClientToServerChat = ListenMap<typeof chatClient>;
export type ServerToClientChat = EmitMap<typeof chatServer>;

export type ClientToServerNotifications = ListenMap<typeof notificationsClient>;
export type ServerToClientNotifications = EmitMap<typeof notificationsServer>;

export type ClientToServerPresence = ListenMap<typeof presenceClient>;
export type ServerToClientPresence = EmitMap<typeof presenceServer>;

/** No client events on `/dashboard`: admins only listen. */
export type ClientToServerDashboard = Record<never, never>;
export type ServerToClientDashboard = EmitMap<typeof dashboardServer>;

// The same maps under the names a `Server<…ClientEvents, …ServerEvents>` declaration reads best with.
export type DefaultClientEvents = ClientToServerDefault;
export type DefaultServerEvents = ServerToClientDefault;
export type PortalClientEvents = ClientToServerPortal;
export type PortalServerEvents = ServerToClientPortal;
export type WidgetClientEvents = ClientToServerWidget;
export type WidgetServerEvents = ServerToClientWidget;
export type TicketsClientEvents = ClientToServerTickets;
export type TicketsServerEvents = ServerToClientTickets;
export type ChatClientEvents = ClientToServerChat;
export type ChatServerEvents = ServerToClientChat;
export type NotificationsClientEvents = ClientToServerNotifications;
export type NotificationsServerEvents = ServerToClientNotifications;
export type PresenceClientEvents = ClientToServerPresence;
export type PresenceServerEvents = ServerToClientPresence;
export type DashboardClientEvents = ClientToServerDashboard;
export type DashboardServerEvents = ServerToClientDashboard;

/** Each named namespace, and `/`, with its pair of maps; for code generic over the namespace. */
export interface NamespaceEvents {
  '/': { client: ClientToServerDefault; server: ServerToClientDefault };
  '/tickets': { client: ClientToServerTickets; server: ServerToClientTickets };
  '/chat': { client: ClientToServerChat; server: ServerToClientChat };
  '/notifications': { client: ClientToServerNotifications; server: ServerToClientNotifications };
  '/presence': { client: ClientToServerPresence; server: ServerToClientPresence };
  '/dashboard': { client: ClientToServerDashboard; server: ServerToClientDashboard };
}
