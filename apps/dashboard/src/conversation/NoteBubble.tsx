import type { Note } from '@switchboard/client';

import { shortTime } from '../format';

/** A private note in the timeline: set apart in colour and words, so nobody mistakes it for a reply. */
export function NoteBubble(props: { note: Note; author: string }) {
  const { note } = props;
  return (
    <li className="bubble-row note" data-testid="note" data-id={note.id}>
      <div className="bubble bubble-note">
        <span className="bubble-author">
          <LockIcon /> Private note · {props.author}
        </span>
        <p className="bubble-text">{note.content}</p>
        <span className="bubble-meta">
          <span>Only your team sees this · </span>
          <time dateTime={note.createdAt}>{shortTime(note.createdAt)}</time>
        </span>
      </div>
    </li>
  );
}

export function LockIcon() {
  return (
    <svg className="icon" viewBox="0 0 24 24" width="12" height="12" fill="none" stroke="currentColor" strokeWidth="2.5" aria-hidden="true">
      <rect x="4" y="11" width="16" height="10" rx="2" />
      <path d="M8 11V7a4 4 0 0 1 8 0v4" />
    </svg>
  );
}
