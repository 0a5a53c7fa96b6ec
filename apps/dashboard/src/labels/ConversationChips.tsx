import './labels.css';

import type { Conversation, LabelRef } from '@switchboard/client';

const PRIORITY_LABEL = { low: 'Low', medium: 'Medium', high: 'High', urgent: 'Urgent' } as const;

/**
 * The AI's priority and category, and the conversation's labels, as chips (issue 16), on inbox rows
 * and in the conversation header. The category is left out when a label already says the same.
 */
export function ConversationChips(props: { conversation: Conversation }) {
  const { classification, labels = [] } = props.conversation;
  const category = classification && !labels.some((l) => l.name.toLowerCase() === classification.category.toLowerCase());
  if (!classification && labels.length === 0) return null;
  return (
    <span className="chips" data-testid="conversation-chips">
      {classification && (
        <span
          className={`chip chip-priority chip-${classification.priority}`}
          title="Priority, from the AI's triage"
          data-testid="chip-priority"
        >
          <span className="visually-hidden">Priority: </span>
          {PRIORITY_LABEL[classification.priority]}
        </span>
      )}
      {category && (
        <span className="chip chip-category" title="Category, from the AI's triage" data-testid="chip-category">
          <span className="visually-hidden">Category: </span>
          {classification.category}
        </span>
      )}
      {labels.map((l) => (
        <LabelChip key={l.id} label={l} />
      ))}
    </span>
  );
}

export function LabelChip(props: { label: Pick<LabelRef, 'name' | 'color'> }) {
  return (
    <span className="chip chip-label" data-testid="label-chip">
      <span className="chip-dot" style={{ background: props.label.color }} aria-hidden="true" />
      <span className="visually-hidden">Label: </span>
      {props.label.name}
    </span>
  );
}
