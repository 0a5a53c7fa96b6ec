import {
  ConversationStatus,
  dashboardServer,
  defaultClient,
  defaultServer,
  DeliveryStatus,
  ERROR_REASONS,
  names,
  NAMESPACES,
  notificationsClient,
  notificationsServer,
  portalServer,
  presenceClient,
  presenceServer,
  PresenceStatus,
  streamServer,
  widgetServer,
} from '@switchboard/protocol';

/*
 * Everything the SDK needs from the catalogue at run time, as plain data: event
 * names per group, namespace paths and enum values. Keeping it in one module of
 * JSON-able constants lets browser builds swap in a snapshot taken at build time
 * (see vite/catalogue-snapshot.ts; the published package is built the same way), so zod and the schemas stay out of
 * the widget's bundle while no name is ever spelled outside the catalogue.
 */

/** Client → server on `/` (every vocabulary sends these). */
export const DefaultOut = names(defaultClient);
/** Server → client on `/`, default vocabulary. */
export const DefaultIn = names(defaultServer);
/** Server → client on `/`, portal vocabulary. */
export const PortalIn = names(portalServer);
/** Server → client for a socket bound to one conversation (widget vocabulary). */
export const WidgetIn = names(widgetServer);
export const PresenceOut = names(presenceClient);
export const PresenceIn = names(presenceServer);
export const NotificationsOut = names(notificationsClient);
export const NotificationsIn = names(notificationsServer);
export const DashboardIn = names(dashboardServer);
/** SSE event names of `GET /api/conversations/:id/stream` (streamed assistant replies). */
export const StreamIn = names(streamServer);

export const NAMESPACE_PATHS = NAMESPACES;
export const CONVERSATION_STATUSES = ConversationStatus.options;
export const PRESENCE_STATUSES = PresenceStatus.options;
export const DELIVERY_STATUSES = DeliveryStatus.options;
/** `details.reason` values of errors the SDK and the widget act on. */
export const ErrorReasons = ERROR_REASONS;
