import { createChatRenderer } from '../realtime/renderers/render-chat';
import { renderDashboard } from '../realtime/renderers/render-dashboard';
import { renderNotifications } from '../realtime/renderers/render-notifications';
import { renderPresence } from '../realtime/renderers/render-presence';
import { renderTickets } from '../realtime/renderers/render-tickets';
import type { Services } from '../services';
import type { AppIo } from '../transport/socket-types';
import { attachChatNamespace } from './chat-namespace';
import { attachDashboardNamespace } from './dashboard-namespace';
import { attachNotificationsNamespace } from './notifications-namespace';
import { attachPresenceNamespace } from './presence-namespace';
import { attachTicketsNamespace } from './tickets-namespace';

/**
 * The five named namespaces: their renderers join the broadcaster, so every
 * fact the domain raises is also said in their words, and their handlers go
 * onto `/tickets`, `/chat`, `/notifications`, `/presence` and `/dashboard`.
 */
export function attachNamedNamespaces(services: Services, io: AppIo): void {
  const b = services.broadcaster;
  b.addRenderer(renderTickets, { ns: '/tickets' });
  b.addRenderer(createChatRenderer(services.summaries), { ns: '/chat' });
  b.addRenderer(renderNotifications, { ns: '/notifications' });
  b.addRenderer(renderPresence, { ns: '/presence' });
  b.addRenderer(renderDashboard, { ns: '/dashboard' });
  attachTicketsNamespace(services, io);
  attachChatNamespace(services, io);
  attachNotificationsNamespace(services, io);
  attachPresenceNamespace(services, io);
  attachDashboardNamespace(services, io);
}
