export type ComposerMode = 'reply' | 'note';

/** Reply to the customer, or write a private note for the team: two states, always visible, never ambiguous. */
export function ComposerModeSwitch(props: { mode: ComposerMode; onChange: (mode: ComposerMode) => void; canNote: boolean }) {
  if (!props.canNote) return null;
  return (
    <div className="composer-modes" role="group" aria-label="Write a">
      <button type="button" aria-pressed={props.mode === 'reply'} onClick={() => props.onChange('reply')} data-testid="mode-reply">
        Reply
      </button>
      <button
        type="button"
        className="mode-note"
        aria-pressed={props.mode === 'note'}
        onClick={() => props.onChange('note')}
        data-testid="mode-note"
      >
        Private note
      </button>
    </div>
  );
}
