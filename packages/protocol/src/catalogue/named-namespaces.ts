import { chatClient, chatServer } from './chat';
import { dashboardServer } from './dashboard';
import { notificationsClient, notificationsServer } from './notifications';
import { presenceClient, presenceServer } from './presence';
import { ticketsClient, ticketsServer } from './tickets';

export * from './chat';
export * from './dashboard';
export * from './notifications';
export * from './presence';
export * from './tickets';

/** The named namespaces (/tickets, /chat, /notifications, /presence, /dashboard), one group per namespace and direction. */
export const namedNamespaces = {
  ticketsClient,
  ticketsServer,
  chatClient,
  chatServer,
  notificationsClient,
  notificationsServer,
  presenceClient,
  presenceServer,
  dashboardServer,
} as const;

/** @deprecated Renamed {@link namedNamespaces} (the same object); this alias stays for code written against 0.1. */
export const insightdesk = namedNamespaces;
