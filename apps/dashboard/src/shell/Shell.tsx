import { DefaultOut } from '@switchboard/client';
import { useFacts, useSwitchboardClient } from '@switchboard/client/react';
import { useQuery } from '@tanstack/react-query';
import { useEffect, useMemo, useState } from 'react';

import { useAttentionAlerts } from '../alerts/use-attention-alerts';
import { CannedResponsesPage } from '../canned/CannedResponsesPage';
import { ConversationView } from '../conversation/ConversationView';
import { usePageVisible } from '../conversation/use-page-visible';
import { ConversationList } from '../inbox/ConversationList';
import { useInboxSync } from '../inbox/use-inbox-sync';
import { useCachedConversations, useUnreadTitle, useUnreadTotal } from '../inbox/use-unread-total';
import { MetricsPage } from '../metrics/MetricsPage';
import { PeopleDirectory } from '../people/people-directory';
import { fetchDemoAccounts } from '../session/demo-accounts';
import type { Session } from '../session/session-store';
import { LiveAlerts } from '../toasts/LiveAlerts';
import { showToast } from '../toasts/toast-store';
import { ToastStack } from '../toasts/ToastStack';
import { ShellContext } from './shell-context';
import { ShortcutsDialog } from './ShortcutsDialog';
import { Sidebar } from './Sidebar';
import { hrefOf, useHashRoute } from './use-hash-route';
import { useKeyboardShortcuts } from './use-keyboard-shortcuts';

export function Shell(props: { session: Session; onLogout: () => void }) {
  const { session } = props;
  const route = useHashRoute();
  const services = useMemo(() => ({ session, people: new PeopleDirectory() }), [session.claims.sub, session.claims.accountId]);
  const openId = route.name === 'inbox' ? route.conversationId : null;
  const [helpOpen, setHelpOpen] = useState(false);

  useEffect(() => {
    services.people.add({ userId: session.claims.sub, name: session.claims.name ?? null, role: session.claims.role });
  }, [services, session.claims]);
  const demo = useQuery({ queryKey: ['demo-accounts'], queryFn: fetchDemoAccounts, retry: false, staleTime: 60_000 });
  useEffect(() => {
    for (const a of demo.data ?? [])
      if (a.role !== 'customer') services.people.add({ userId: a.userId, name: a.name, role: a.role as Session['claims']['role'] });
  }, [services, demo.data]);
  useFacts((fact) => services.people.onFact(fact));

  const list = useCachedConversations();
  const onUnreadGrew = useAttentionAlerts(session.claims.sub, openId, list);
  useInboxSync(openId, onUnreadGrew);
  // The open conversation is being read only while the tab is on screen; behind other tabs its news counts too.
  const visible = usePageVisible();
  const total = useUnreadTotal(visible ? openId : null);
  useUnreadTitle(total);

  const client = useSwitchboardClient();
  const isStaffWriter = session.claims.role === 'admin' || session.claims.role === 'agent';
  useKeyboardShortcuts({
    move: (step) => moveThroughList(step),
    reply: () => document.getElementById('composer-input')?.focus(),
    resolve: () => {
      if (!openId || !isStaffWriter) return;
      client
        ?.request(DefaultOut.update_conversation_status, { conversationId: openId, status: 'RESOLVED' })
        .then(() => showToast({ tone: 'success', title: 'Resolved', body: 'The conversation is resolved.' }, 3_000))
        .catch((err: Error) => showToast({ tone: 'warning', title: 'Could not resolve', body: err.message }));
    },
    help: () => setHelpOpen(true),
  });

  return (
    <ShellContext.Provider value={services}>
      <div className="shell">
        <Sidebar route={route} onLogout={props.onLogout} unreadTotal={total} onShowShortcuts={() => setHelpOpen(true)} />
        {route.name === 'metrics' ? (
          <MetricsPage />
        ) : route.name === 'replies' ? (
          <CannedResponsesPage />
        ) : (
          // Below 768 px one pane shows at a time: the list, or the conversation that is open.
          <main className={`inbox${openId ? ' has-open' : ''}`}>
            <ConversationList openId={openId} />
            {openId ? (
              <ConversationView key={openId} conversationId={openId} focusMessageId={route.name === 'inbox' ? route.messageId : null} />
            ) : (
              <section className="empty-state" aria-label="No conversation selected">
                <p>Pick a conversation to start helping.</p>
                <p className="muted small">
                  Press <kbd>j</kbd> / <kbd>k</kbd> to move through the list, <kbd>?</kbd> for every shortcut.
                </p>
              </section>
            )}
          </main>
        )}
      </div>
      <ShortcutsDialog open={helpOpen} onClose={() => setHelpOpen(false)} />
      <LiveAlerts openId={openId} />
      <ToastStack />
    </ShellContext.Provider>
  );
}

/** j / k: the rows as the list shows them (its filter and order), from the open one or the focused one. */
function moveThroughList(step: 1 | -1): void {
  const rows = [...document.querySelectorAll<HTMLAnchorElement>('[data-testid=conversation-item]')];
  if (rows.length === 0) return;
  const focused = rows.findIndex((r) => r === document.activeElement);
  const from = focused !== -1 ? focused : rows.findIndex((r) => r.getAttribute('aria-current') === 'true');
  const next = rows[from === -1 ? (step === 1 ? 0 : rows.length - 1) : Math.min(rows.length - 1, Math.max(0, from + step))];
  if (!next) return;
  next.focus();
  const id = next.dataset.id;
  if (id) location.hash = hrefOf.conversation(id);
}
