import { DefaultIn } from '@switchboard/client';
import { useSocketEvent } from '@switchboard/client/react';
import { type FormEvent, type KeyboardEvent, useState } from 'react';

/** The send box: Enter sends, Shift+Enter breaks the line; keystrokes are typing signals; AI drafts are offered. */
export function Composer(props: {
  conversationId: string;
  disabled: boolean;
  onSend: (content: string) => void;
  onKeystroke: () => void;
  onCleared: () => void;
}) {
  const [text, setText] = useState('');
  const [draft, setDraft] = useState<{ content: string; confidence: number } | null>(null);
  useSocketEvent(DefaultIn.ai_draft, (d) => {
    if (d.conversationId === props.conversationId) setDraft({ content: d.draft.content, confidence: d.confidence });
  });

  const submit = (e?: FormEvent) => {
    e?.preventDefault();
    const content = text.trim();
    if (!content) return;
    props.onSend(content);
    setText('');
    setDraft(null);
  };
  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>) => {
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
      <label htmlFor="composer-input" className="visually-hidden">
        Reply
      </label>
      <textarea
        id="composer-input"
        data-testid="composer"
        rows={2}
        placeholder={props.disabled ? 'Viewers cannot reply' : 'Write a reply…  (Enter to send, Shift+Enter for a new line)'}
        value={text}
        disabled={props.disabled}
        onChange={(e) => {
          setText(e.target.value);
          // Emptying the box is not typing; it ends it.
          if (e.target.value.trim()) props.onKeystroke();
          else props.onCleared();
        }}
        onKeyDown={onKeyDown}
      />
      <button type="submit" className="primary" disabled={props.disabled || !text.trim()} data-testid="send">
        Send
      </button>
    </form>
  );
}
