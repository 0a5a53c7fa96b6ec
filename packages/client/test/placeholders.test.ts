import { describe, expect, it } from 'vitest';

import { fillPlaceholders, type PlaceholderContext } from '../src/index';

const maria: PlaceholderContext = {
  contact: { name: 'Maria Garcia', email: 'maria@example.com' },
  agent: { name: 'Alex Kim', email: 'alex@acme.test' },
  conversation: { subject: 'Refund' },
};
const nobody: PlaceholderContext = { contact: { name: null, email: null }, agent: null };

describe('fillPlaceholders', () => {
  it.each<[string, PlaceholderContext, string, string[]]>([
    ['Hi {{contact.name}}!', maria, 'Hi Maria Garcia!', []],
    ['Hi {{ contact.firstName }}, I am {{agent.firstName}}.', maria, 'Hi Maria, I am Alex.', []],
    ['{{contact.first_name}} / {{CONTACT.EMAIL}}', maria, 'Maria / maria@example.com', []],
    ['About {{conversation.subject}} ({{agent.email}})', maria, 'About Refund (alex@acme.test)', []],
    ['Hi {{contact.name | there}}!', maria, 'Hi Maria Garcia!', []],
    ['Hi {{contact.name | there}}!', nobody, 'Hi there!', []],
    // Known but unknown for this contact, no fallback: left visible for the agent to fix.
    ['Hi {{contact.name}}!', nobody, 'Hi {{contact.name}}!', ['{{contact.name}}']],
    ['Hi {{contact.name|}}!', nobody, 'Hi {{contact.name|}}!', ['{{contact.name|}}']],
    // Keys this function does not know stay as written, fallback or not.
    ['Order {{order.id}} for {{contact.name}}', maria, 'Order {{order.id}} for Maria Garcia', ['{{order.id}}']],
    ['{{order.id | soon}}', maria, '{{order.id | soon}}', ['{{order.id | soon}}']],
    // Not placeholders at all.
    ['{contact.name} {{ }} {{contact.name', maria, '{contact.name} {{ }} {{contact.name', []],
    ['Whitespace-only name: {{contact.name | friend}}', { contact: { name: '   ' } }, 'Whitespace-only name: friend', []],
    ['No placeholders.', maria, 'No placeholders.', []],
  ])('%j', (template, ctx, text, unfilled) => {
    expect(fillPlaceholders(template, ctx)).toEqual({ text, unfilled });
  });

  it('inserts values as text: a name that looks like a placeholder is not filled again', () => {
    expect(fillPlaceholders('{{contact.name}} {{agent.name}}', { contact: { name: '{{agent.name}}' }, agent: { name: 'Alex' } }).text).toBe(
      '{{agent.name}} Alex',
    );
  });
});
