import { DefaultIn } from '@switchboard/client';
import { useSocketEvent } from '@switchboard/client/react';
import { type FormEvent, type KeyboardEvent, useState } from 'react';

import { type ComposerMode, ComposerModeSwitch } from './ComposerModeSwitch';

/**
 * The send box: Enter sends, Shift+Enter breaks the line, Esc leaves the box (for the inbox
 * shortcuts); keystrokes are typing signals; AI drafts are offered. In note mode the text goes to
 * the team only, and no typing signal is sent (the customer would see "Agent is typing…").
 */
export function Composer(props: {
  conversationId: string;
  disabled: boolean;
  canNote: boolean;
  onSend: (content: string) => void;
  onNote: (content: string) => Promise<unknown>;
  onKeystroke: () => void;
  onCleared: () => void;
}) {
  const [text, setText] = useState('');
  const [mode, setMode] = useState<ComposerMode>('reply');
  const [noteError, setNoteError] = useState<string | null>(null);
  const [draft, setDraft] = useState<{ content: string; confidence: number } | null>(null);
  useSocketEvent(DefaultIn.ai_draft, (d) => {
    if (d.conversationId === props.conversationId) setDraft({ content: d.draft.content, confidence: d.confidence });
  });
  const note = mode === 'note';

  const submit = (e?: FormEvent) => {
    e?.preventDefault();
    const content = text.trim();
    if (!content) return;
    if (note) {
      setNoteError(null);
      props.onNote(content).then(
        () => setText(''),
        (err: Error) => setNoteError(err.message),
      );
      return;
    }
    props.onSend(content);
    setText('');
    setDraft(null);
  };
  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (e.key === 'Enter' && !e.shiftKey) {
      e.preventDefault();
      submit();
    } else if (e.key === 'Escape') {
      e.currentTarget.blur();
    }
  };
  const switchMode = (next: ComposerMode) => {
    // Typing that was announced to the customer ends when the text becomes a note.
    if (next === 'note') props.onCleared();
    setMode(next);
    document.getElementById('composer-input')?.focus();
  };

  return (
    <form className={`composer${note ? ' composer-note' : ''}`} onSubmit={submit} data-mode={mode}>
      <ComposerModeSwitch mode={mode} onChange={switchMode} canNote={props.canNote} />
      {draft && !note && (
        <div className="draft" role="note">
          <span className="muted small">Suggested reply · {Math.round(draft.confidence * 100)}%</span>
          <p>{draft.content}</p>
          <div>
            <button type="button" className="link-button" onClick={() => (setText(draft.content), setDraft(null))}>
              Use it
            </button>
            <button type="button" className="link-button muted" onClick={() => setDraft(null)}>
              Dismiss
            </button>
          </div>
        </div>
      )}
      <label htmlFor="composer-input" className="visually-hidden">
        {note ? 'Private note (only your team sees it)' : 'Reply to the customer'}
      </label>
      <textarea
        id="composer-input"
        data-testid="composer"
        rows={2}
        placeholder={
          props.disabled
            ? 'Viewers cannot reply'
            : note
              ? 'Private note: only your team sees it (Enter to add)'
              : 'Write a reply…  (Enter to send, Shift+Enter for a new line)'
        }
        value={text}
        disabled={props.disabled}
        onChange={(e) => {
          setText(e.target.value);
          if (note) return;
          // Emptying the box is not typing; it ends it.
          if (e.target.value.trim()) props.onKeystroke();
          else props.onCleared();
        }}
        onKeyDown={onKeyDown}
      />
      <button type="submit" className={note ? 'note-button' : 'primary'} disabled={props.disabled || !text.trim()} data-testid="send">
        {note ? 'Add note' : 'Send'}
      </button>
      {noteError && (
        <p className="error small composer-error" role="alert">
          {noteError}
        </p>
      )}
    </form>
  );
}
