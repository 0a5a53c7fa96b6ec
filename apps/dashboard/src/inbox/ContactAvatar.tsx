import type { Conversation } from '@switchboard/client';

/** Hues for avatars, picked by the contact id so one customer keeps one colour everywhere. */
const HUES = [231, 262, 199, 160, 25, 340, 45, 290];

function hueOf(id: string): number {
  let h = 0;
  for (const ch of id) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
  return HUES[h % HUES.length] as number;
}

/** The contact's initials in a circle; decorative, since the name is always written beside it. */
export function ContactAvatar(props: { conversation: Conversation; size?: 'small' | 'large' }) {
  const contact = props.conversation.contact;
  const hue = hueOf(contact?.id ?? props.conversation.contactId ?? props.conversation.id);
  return (
    <span
      className={`avatar contact-avatar${props.size === 'large' ? ' avatar-large' : ''}`}
      style={{ background: `hsl(${hue} 80% 92%)`, color: `hsl(${hue} 55% 30%)` }}
      aria-hidden="true"
    >
      {contact?.initials ?? '?'}
    </span>
  );
}
