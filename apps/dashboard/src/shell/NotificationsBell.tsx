import { NAMESPACE_PATHS, type Notification, NotificationsIn, NotificationsOut } from '@switchboard/client';
import { useNamespace, useNamespaceEvent } from '@switchboard/client/react';
import { type CSSProperties, useEffect, useRef, useState } from 'react';

/** The `/notifications` namespace: the unread count as a badge and this session's notifications in a panel. */
export function NotificationsBell() {
  const { connection, state } = useNamespace(NAMESPACE_PATHS.notifications);
  const [unread, setUnread] = useState(0);
  const [items, setItems] = useState<Notification[]>([]);
  const [open, setOpen] = useState(false);
  const button = useRef<HTMLButtonElement>(null);
  const [place, setPlace] = useState<CSSProperties>({});
  // The sidebar scrolls, and a scrolling box clips what is absolutely placed inside it: the panel is
  // placed against the viewport instead, beside the button (below it on narrow screens), kept on screen.
  const toggle = () => {
    const r = button.current?.getBoundingClientRect();
    if (r && !open) {
      const width = Math.min(320, window.innerWidth - 16);
      const beside = window.innerWidth >= 768;
      const left = beside ? r.right + 8 : Math.max(8, Math.min(r.left, window.innerWidth - width - 8));
      const top = beside ? Math.max(8, Math.min(r.top, window.innerHeight - 388)) : r.bottom + 6;
      setPlace({ position: 'fixed', left, top, width });
    }
    setOpen((o) => !o);
  };
  const panel = useRef<HTMLDivElement>(null);
  // Like any popover: Esc, a click elsewhere or a resize (its place was measured) closes it.
  useEffect(() => {
    if (!open) return undefined;
    const close = () => setOpen(false);
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== 'Escape') return;
      close();
      button.current?.focus();
    };
    const onPointer = (e: PointerEvent) => {
      const t = e.target as Node;
      if (!panel.current?.contains(t) && !button.current?.contains(t)) close();
    };
    document.addEventListener('keydown', onKey);
    document.addEventListener('pointerdown', onPointer);
    window.addEventListener('resize', close);
    return () => {
      document.removeEventListener('keydown', onKey);
      document.removeEventListener('pointerdown', onPointer);
      window.removeEventListener('resize', close);
    };
  }, [open]);

  useNamespaceEvent(NAMESPACE_PATHS.notifications, NotificationsIn['notification:count'], (c) => setUnread(c.unread));
  useNamespaceEvent(NAMESPACE_PATHS.notifications, NotificationsIn.notification, (n) => {
    setItems((list) => [n, ...list.filter((i) => i.id !== n.id)].slice(0, 50));
  });
  useNamespaceEvent(NAMESPACE_PATHS.notifications, NotificationsIn['notification:read'], (r) => {
    setItems((list) => list.map((i) => (r.all || i.id === r.id ? { ...i, readAt: r.readAt } : i)));
  });

  if (state.status === 'unavailable') {
    return (
      <div className="bell bell-off" title="This server has no /notifications namespace">
        <BellIcon /> <span className="muted small">Notifications off</span>
      </div>
    );
  }
  const markRead = (id: string) => void connection?.request(NotificationsOut['notification:markRead'], { id }).catch(() => undefined);
  const markAll = () => void connection?.request(NotificationsOut['notification:markAllRead'], {}).catch(() => undefined);

  return (
    <div className="bell">
      <button
        type="button"
        className="bell-button"
        aria-expanded={open}
        aria-controls="notifications-panel"
        ref={button}
        onClick={toggle}
        data-testid="bell"
      >
        <BellIcon />
        <span>Notifications</span>
        {unread > 0 && (
          <span className="badge" role="img" aria-label={`${unread} unread notifications`}>
            {unread}
          </span>
        )}
      </button>
      {open && (
        <div
          id="notifications-panel"
          className="popover"
          role="dialog"
          aria-label="Notifications"
          style={place}
          data-testid="notifications-panel"
          ref={panel}
        >
          <div className="popover-head">
            <strong>Notifications</strong>
            <button type="button" className="link-button" onClick={markAll} disabled={unread === 0}>
              Mark all read
            </button>
          </div>
          {items.length === 0 ? (
            <p className="muted small">Nothing new since you signed in.</p>
          ) : (
            <ul className="notification-list">
              {items.map((n) => (
                <li key={n.id} className={n.readAt ? 'read' : 'unread'}>
                  <button type="button" onClick={() => markRead(n.id)}>
                    <strong>{n.title}</strong>
                    <span>{n.message}</span>
                  </button>
                  {typeof n.data.conversationId === 'string' && (
                    <a href={`#/c/${encodeURIComponent(n.data.conversationId)}`} className="small">
                      Open
                    </a>
                  )}
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
    </div>
  );
}

function BellIcon() {
  return (
    <svg
      className="icon"
      viewBox="0 0 24 24"
      width="16"
      height="16"
      fill="none"
      stroke="currentColor"
      strokeWidth="2"
      strokeLinecap="round"
      strokeLinejoin="round"
      aria-hidden="true"
    >
      <path d="M6 8a6 6 0 0 1 12 0c0 7 3 9 3 9H3s3-2 3-9" />
      <path d="M10.3 21a1.94 1.94 0 0 0 3.4 0" />
    </svg>
  );
}
