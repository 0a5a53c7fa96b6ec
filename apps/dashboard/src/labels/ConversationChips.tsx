import './labels.css';

import type { Conversation, LabelRef } from '@switchboard/client';

import { AiChips } from '../inbox/AiChips';

/**
 * What an agent reads about a conversation at a glance, on inbox rows and in the header (issue 16):
 * the AI's category and priority, then the conversation's labels. A label made from the AI category
 * may repeat the category chip; the category stays because it is the triage's own reading.
 */
export function ConversationChips(props: { conversation: Conversation; compact?: boolean }) {
  const { labels = [] } = props.conversation;
  if (!props.conversation.classification && labels.length === 0) return null;
  return (
    <span className="chips" data-testid="conversation-chips">
      <AiChips conversation={props.conversation} compact={props.compact} />
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
