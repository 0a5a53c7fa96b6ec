import { useEffect, useRef } from 'react';

import { SHORTCUTS } from './use-keyboard-shortcuts';

/** The `?` dialog: a native modal <dialog>, so focus is trapped and Esc closes it without extra code. */
export function ShortcutsDialog(props: { open: boolean; onClose: () => void }) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (props.open && !d.open) d.showModal();
    if (!props.open && d.open) d.close();
  }, [props.open]);

  return (
    <dialog ref={ref} className="shortcuts" aria-labelledby="shortcuts-title" onClose={props.onClose} data-testid="shortcuts">
      <div className="popover-head">
        <h2 id="shortcuts-title">Keyboard shortcuts</h2>
        <button type="button" className="icon-button" aria-label="Close shortcuts" onClick={props.onClose}>
          ×
        </button>
      </div>
      <dl className="shortcut-list">
        {SHORTCUTS.map((s) => (
          <div key={s.keys}>
            <dt>
              <kbd>{s.keys}</kbd>
            </dt>
            <dd>{s.what}</dd>
          </div>
        ))}
      </dl>
    </dialog>
  );
}
