import { dismissToast, useToasts } from './toast-store';

export function ToastStack() {
  const toasts = useToasts();
  return (
    <div className="toasts" role="region" aria-live="polite" aria-label="Notifications">
      {toasts.map((t) => (
        <div key={t.id} className={`toast toast-${t.tone}`} role="status" data-testid="toast">
          <div className="toast-text">
            <strong>{t.title}</strong>
            {t.body && <span>{t.body}</span>}
          </div>
          {t.link && (
            <a className="toast-link" href={t.link.href} onClick={() => dismissToast(t.id)}>
              {t.link.label}
            </a>
          )}
          <button type="button" className="icon-button" aria-label="Dismiss" onClick={() => dismissToast(t.id)}>
            ×
          </button>
        </div>
      ))}
    </div>
  );
}
