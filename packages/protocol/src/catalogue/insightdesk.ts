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

/** Seed 001's namespaces (/tickets, /chat, /notifications, /presence, /dashboard), one group per namespace and direction. */
export const insightdesk = {
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
