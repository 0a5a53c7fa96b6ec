import { DefaultIn, type PlaceholderContext } from '@switchboard/client';
import { useSocketEvent } from '@switchboard/client/react';
import { type FormEvent, type KeyboardEvent, useRef, useState } from 'react';

import { AttachButton, useAttachmentUploads } from '../attachments/AttachButton';
import { CANNED_MENU_ID, CannedMenu } from '../canned/CannedMenu';
import { useCannedMenu } from '../canned/use-canned-menu';

/**
 * The send box: Enter sends, Shift+Enter breaks the line; keystrokes are typing signals; AI drafts
 * are offered; `/` lists canned responses (staff); files can be attached.
 */
export function Composer(props: {
  conversationId: string;
  disabled: boolean;
  onSend: (content: string, attachmentIds?: string[]) => void;
  onKeystroke: () => void;
  onCleared: () => void;
  /** Who a canned response is written to and by, for its placeholders. */
  placeholders?: PlaceholderContext;
  staff?: boolean;
}) {
  const [text, setText] = useState('');
  const input = useRef<HTMLTextAreaElement>(null);
  const canned = useCannedMenu({ enabled: props.staff === true, text, setText, input, context: props.placeholders ?? {} });
  const uploads = useAttachmentUploads(props.conversationId);
  const [draft, setDraft] = useState<{ content: string; confidence: number } | null>(null);
  useSocketEvent(DefaultIn.ai_draft, (d) => {
    if (d.conversationId === props.conversationId) setDraft({ content: d.draft.content, confidence: d.confidence });
  });

  const submit = (e?: FormEvent) => {
    e?.preventDefault();
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
    if (canned.onKeyDown(e)) return;
    if (e.key === 'Enter' && !e.shiftKey) {
      e.preventDefault();
      submit();
    }
  };

  return (
    <form className="composer" onSubmit={submit}>
      {draft && (
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
      <CannedMenu view={canned} />
      <AttachButton uploads={uploads} disabled={props.disabled} />
      <label htmlFor="composer-input" className="visually-hidden">
        Reply
      </label>
      <textarea
        id="composer-input"
        ref={input}
        data-testid="composer"
        role={props.staff ? 'combobox' : undefined}
        aria-autocomplete={props.staff ? 'list' : undefined}
        aria-expanded={props.staff ? canned.open : undefined}
        aria-controls={canned.open ? CANNED_MENU_ID : undefined}
        aria-activedescendant={canned.open ? `${CANNED_MENU_ID}-${canned.active}` : undefined}
        onSelect={(e) => canned.track(e.currentTarget)}
        rows={2}
        placeholder={
          props.disabled
            ? 'Viewers cannot reply'
            : `Write a reply…  (Enter to send, Shift+Enter for a new line${props.staff ? ', / for canned responses' : ''})`
        }
        value={text}
        disabled={props.disabled}
        onChange={(e) => {
          setText(e.target.value);
          canned.track(e.target);
          // Emptying the box is not typing; it ends it.
          if (e.target.value.trim()) props.onKeystroke();
          else props.onCleared();
        }}
        onKeyDown={onKeyDown}
      />
      <button
        type="submit"
        className="primary"
        disabled={props.disabled || (!text.trim() && uploads.ready.length === 0) || uploads.uploading > 0}
        data-testid="send"
      >
        Send
      </button>
    </form>
  );
}
