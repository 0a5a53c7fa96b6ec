import { DefaultIn, type PlaceholderContext } from '@switchboard/client';
import { useSocketEvent } from '@switchboard/client/react';
import { type FormEvent, type KeyboardEvent, useRef, useState } from 'react';

import { AttachButton, useAttachmentUploads } from '../attachments/AttachButton';
import { CANNED_MENU_ID, CannedMenu } from '../canned/CannedMenu';
import { useCannedMenu } from '../canned/use-canned-menu';
import { type ComposerMode, ComposerModeSwitch } from './ComposerModeSwitch';

/**
 * The send box: Enter sends, Shift+Enter breaks the line, Esc leaves the box (for the inbox
 * shortcuts); keystrokes are typing signals; AI drafts are offered; `/` lists canned responses
 * (staff); files can be attached to a reply. In note mode the text goes to the team only, and no
 * typing signal is sent (the customer would see "Agent is typing…"); canned responses and files
 * are for replies, so note mode offers neither.
 */
export function Composer(props: {
  conversationId: string;
  disabled: boolean;
  canNote: boolean;
  onSend: (content: string, attachmentIds?: string[]) => void;
  onNote: (content: string) => Promise<unknown>;
  onKeystroke: () => void;
  onCleared: () => void;
  /** Who a canned response is written to and by, for its placeholders. */
  placeholders?: PlaceholderContext;
  staff?: boolean;
}) {
  const [text, setText] = useState('');
  const [mode, setMode] = useState<ComposerMode>('reply');
  const [noteError, setNoteError] = useState<string | null>(null);
  const note = mode === 'note';
  const input = useRef<HTMLTextAreaElement>(null);
  const cannedOn = props.staff === true && !note;
  const canned = useCannedMenu({ enabled: cannedOn, text, setText, input, context: props.placeholders ?? {} });
  const uploads = useAttachmentUploads(props.conversationId);
  const [draft, setDraft] = useState<{ content: string; confidence: number } | null>(null);
  useSocketEvent(DefaultIn.ai_draft, (d) => {
    if (d.conversationId === props.conversationId) setDraft({ content: d.draft.content, confidence: d.confidence });
  });

  const submit = (e?: FormEvent) => {
    e?.preventDefault();
    if (note) {
      const content = text.trim();
      if (!content) return;
      setNoteError(null);
      props.onNote(content).then(
        () => setText(''),
        (err: Error) => setNoteError(err.message),
      );
      return;
    }
    const files = uploads.ready;
    // A message with only files says which files, for channels and previews that show text alone.
    const content = text.trim() || files.map((f) => f.name).join(', ');
    if (!content || uploads.uploading > 0) return;
    props.onSend(content, files.length ? files.map((f) => f.id) : undefined);
    uploads.clear();
    setText('');
    setDraft(null);
  };
  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (cannedOn && canned.onKeyDown(e)) return;
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
  const sendable = note ? text.trim() !== '' : (text.trim() !== '' || uploads.ready.length > 0) && uploads.uploading === 0;

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
      {cannedOn && <CannedMenu view={canned} />}
      {!note && <AttachButton uploads={uploads} disabled={props.disabled} />}
      <label htmlFor="composer-input" className="visually-hidden">
        {note ? 'Private note (only your team sees it)' : 'Reply to the customer'}
      </label>
      <textarea
        id="composer-input"
        ref={input}
        data-testid="composer"
        role={cannedOn ? 'combobox' : undefined}
        aria-autocomplete={cannedOn ? 'list' : undefined}
        aria-expanded={cannedOn ? canned.open : undefined}
        aria-controls={cannedOn && canned.open ? CANNED_MENU_ID : undefined}
        aria-activedescendant={cannedOn && canned.open ? `${CANNED_MENU_ID}-${canned.active}` : undefined}
        onSelect={(e) => cannedOn && canned.track(e.currentTarget)}
        rows={2}
        placeholder={
          props.disabled
            ? 'Viewers cannot reply'
            : note
              ? 'Private note: only your team sees it (Enter to add)'
              : `Write a reply…  (Enter to send, Shift+Enter for a new line${props.staff ? ', / for canned responses' : ''})`
        }
        value={text}
        disabled={props.disabled}
        onChange={(e) => {
          setText(e.target.value);
          if (note) return;
          canned.track(e.target);
          // Emptying the box is not typing; it ends it.
          if (e.target.value.trim()) props.onKeystroke();
          else props.onCleared();
        }}
        onKeyDown={onKeyDown}
      />
      <button type="submit" className={note ? 'note-button' : 'primary'} disabled={props.disabled || !sendable} data-testid="send">
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
