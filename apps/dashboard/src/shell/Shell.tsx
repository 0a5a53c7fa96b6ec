import { useFacts, useSwitchboardClient } from '@switchboard/client/react';
import { useQuery } from '@tanstack/react-query';
import { useEffect, useMemo } from 'react';

import { ConversationView } from '../conversation/ConversationView';
import { ConversationList } from '../inbox/ConversationList';
import { UnreadStore } from '../inbox/unread-store';
import { MetricsPage } from '../metrics/MetricsPage';
import { PeopleDirectory } from '../people/people-directory';
import { fetchDemoAccounts } from '../session/demo-accounts';
import type { Session } from '../session/session-store';
import { LiveAlerts } from '../toasts/LiveAlerts';
import { ToastStack } from '../toasts/ToastStack';
import { ShellContext } from './shell-context';
import { Sidebar } from './Sidebar';
import { useHashRoute } from './use-hash-route';

export function Shell(props: { session: Session; onLogout: () => void }) {
  const { session } = props;
  const route = useHashRoute();
  const services = useMemo(
    () => ({ session, unread: new UnreadStore(session.claims.sub), people: new PeopleDirectory() }),
    [session.claims.sub, session.claims.accountId],
  );
  const openId = route.name === 'inbox' ? route.conversationId : null;

  useEffect(() => {
    services.people.add({ userId: session.claims.sub, name: session.claims.name ?? null, role: session.claims.role });
  }, [services, session.claims]);
  const demo = useQuery({ queryKey: ['demo-accounts'], queryFn: fetchDemoAccounts, retry: false, staleTime: 60_000 });
  useEffect(() => {
    for (const a of demo.data ?? [])
      if (a.role !== 'customer') services.people.add({ userId: a.userId, name: a.name, role: a.role as Session['claims']['role'] });
  }, [services, demo.data]);

  const client = useSwitchboardClient();
  useEffect(() => {
    services.unread.openConversationId = openId;
    if (openId) services.unread.markRead(openId);
    // The server keeps the read position (issue 16), so the count survives a reload and other devices.
    if (openId) void client?.api.markConversationRead(openId).catch(() => undefined);
  }, [services, openId, client]);
  useFacts((fact) => {
    if (fact.kind === 'message' && fact.message.conversationId === openId) {
      void client?.api.markConversationRead(openId, fact.message.id).catch(() => undefined);
    }
    services.unread.onFact(fact);
    services.people.onFact(fact);
  });

  return (
    <ShellContext.Provider value={services}>
      <div className="shell">
        <Sidebar route={route} onLogout={props.onLogout} />
        {route.name === 'metrics' ? (
          <MetricsPage />
        ) : (
          <main className="inbox">
            <ConversationList openId={openId} />
            {openId ? (
              <ConversationView key={openId} conversationId={openId} />
            ) : (
              <section className="empty-state" aria-label="No conversation selected">
                <p>Pick a conversation to start helping.</p>
              </section>
            )}
          </main>
        )}
      </div>
      <LiveAlerts />
      <ToastStack />
    </ShellContext.Provider>
  );
}
