import type { Conversation } from '@switchboard/client';

const PRIORITY_LABEL: Record<string, string> = { low: 'Low', medium: 'Medium', high: 'High', urgent: 'Urgent' };

/**
 * The AI's reading of a conversation where agents look: its category and priority as chips, when
 * the conversation has been classified. Low and medium priority are not worth the space on a row.
 */
export function AiChips(props: { conversation: Conversation; compact?: boolean }) {
  const c = props.conversation.classification;
  if (!c) return null;
  const showPriority = !props.compact || c.priority === 'high' || c.priority === 'urgent';
  return (
    <span className="ai-chips" data-testid="ai-chips">
      {c.category && (
        <span className="chip chip-category" title="Category (AI)" aria-label={`Category: ${c.category}`}>
          {c.category.charAt(0).toUpperCase() + c.category.slice(1)}
        </span>
      )}
      {showPriority && (
        <span className={`chip chip-priority priority-${c.priority}`} title="Priority (AI)" aria-label={`Priority: ${c.priority}`}>
          {PRIORITY_LABEL[c.priority] ?? c.priority}
        </span>
      )}
    </span>
  );
}
