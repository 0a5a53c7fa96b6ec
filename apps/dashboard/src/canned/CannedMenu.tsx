import './canned.css';

import type { CannedMenuView } from './use-canned-menu';

export const CANNED_MENU_ID = 'canned-menu';

/** The list of matching canned responses above the composer; the textarea keeps focus and drives it (aria-activedescendant). */
export function CannedMenu(props: { view: CannedMenuView }) {
  const { view } = props;
  if (!view.open) return null;
  return (
    <ul className="canned-menu" id={CANNED_MENU_ID} role="listbox" aria-label="Canned responses" data-testid="canned-menu">
      {view.items.map((c, i) => (
        <li
          key={c.id}
          id={`${CANNED_MENU_ID}-${i}`}
          role="option"
          aria-selected={i === view.active}
          className={i === view.active ? 'active' : undefined}
          // mousedown, not click: the textarea must not lose focus (and the caret) first.
          onMouseDown={(e) => {
            e.preventDefault();
            view.pick(i);
          }}
          data-testid="canned-option"
        >
          <strong>/{c.shortcut}</strong>
          {c.title && <span className="muted small"> {c.title}</span>}
          <span className="small canned-preview">{c.content}</span>
        </li>
      ))}
    </ul>
  );
}
