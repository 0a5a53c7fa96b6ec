import type { DashboardMetrics } from './dashboard-metrics';
import type { EphemeralEvent, LoggedEvent } from './domain-event';
import type { NotificationService } from './notification-service';
import type { TicketService } from './ticket-service';
import type { TypingService } from './typing-service';
import type { UserSummaries } from './user-summaries';

/** Where facts can be followed after they are broadcast: the broadcaster, seen from the domain. */
export interface FactSource {
  onPublished(listener: (e: LoggedEvent) => void): () => void;
  onSignalled(listener: (e: EphemeralEvent) => void): () => void;
}

export interface FactReactionDeps {
  tickets: TicketService;
  notifications: NotificationService;
  dashboard: DashboardMetrics;
  summaries: UserSummaries;
  typing: TypingService;
  onError: (err: unknown) => void;
}

/**
 * The reactions to facts, whichever surface raised them: a message reaches the
 * tickets wrapping its conversation (and may be their first response) and ends
 * its sender's typing there, facts become notifications, and dashboards
 * refresh. Returns a stop
 * function that also waits for reactions still running, so the database is
 * not closed under them.
 */
export function wireFactReactions(source: FactSource, deps: FactReactionDeps): () => Promise<void> {
  const running = new Set<Promise<void>>();
  const track = (work: Promise<void>) => {
    const p = work.catch(deps.onError).finally(() => running.delete(p));
    running.add(p);
  };

  const offPublished = source.onPublished((e) => {
    if (e.type === 'user.updated') deps.summaries.remember(e.accountId, e.user);
    if (e.type === 'message.created') {
      track(deps.tickets.onMessageCreated(e));
      track(deps.typing.sent(e.message));
    }
    track(deps.notifications.react(e));
    deps.dashboard.onFact(e);
  });
  const offSignalled = source.onSignalled((e) => deps.dashboard.onFact(e));

  return async () => {
    offPublished();
    offSignalled();
    while (running.size) await Promise.allSettled([...running]);
  };
}
