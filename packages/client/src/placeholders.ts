/** Who a canned response is written to and by, for its placeholders. Unknown values are null or absent. */
export interface PlaceholderContext {
  contact?: { name?: string | null; email?: string | null } | null;
  agent?: { name?: string | null; email?: string | null } | null;
  conversation?: { subject?: string | null } | null;
}

export interface FilledText {
  text: string;
  /** Placeholders left as written: unknown ones, and known ones with no value and no fallback. */
  unfilled: string[];
}

const PLACEHOLDER = /\{\{\s*([A-Za-z_.]+)\s*(?:\|\s*([^}]*?)\s*)?\}\}/g;

const firstName = (name: string | null | undefined) => name?.trim().split(/\s+/)[0] ?? null;

/** Keys as written in templates, compared without case or underscores: `contact.firstName` = `contact.first_name`. */
const normalise = (key: string) => key.toLowerCase().replace(/_/g, '');

function valuesOf(ctx: PlaceholderContext): Map<string, string | null> {
  const entries: Array<[string, string | null | undefined]> = [
    ['contact.name', ctx.contact?.name],
    ['contact.firstname', firstName(ctx.contact?.name)],
    ['contact.email', ctx.contact?.email],
    ['agent.name', ctx.agent?.name],
    ['agent.firstname', firstName(ctx.agent?.name)],
    ['agent.email', ctx.agent?.email],
    ['conversation.subject', ctx.conversation?.subject],
  ];
  return new Map(entries.map(([k, v]) => [k, v?.trim() ? v.trim() : null]));
}

/**
 * Fills `{{contact.name}}`-style placeholders of a canned response (issue 16). `{{key | fallback}}`
 * uses the fallback when the value is unknown. A placeholder with neither a value nor a fallback,
 * and any key this function does not know, is left exactly as written: the agent sees it in the
 * composer and fixes it before sending, where a silently removed word would leave a sentence broken
 * without anyone noticing ("Hi , thanks for writing").
 *
 * @example
 * fillPlaceholders('Hi {{contact.firstName | there}}!', { contact: { name: 'Maria Garcia' } }).text // 'Hi Maria!'
 */
export function fillPlaceholders(template: string, ctx: PlaceholderContext): FilledText {
  const values = valuesOf(ctx);
  const unfilled: string[] = [];
  const text = template.replace(PLACEHOLDER, (whole, key: string, fallback: string | undefined) => {
    const value = values.get(normalise(key));
    if (value) return value;
    if (values.has(normalise(key)) && fallback !== undefined && fallback !== '') return fallback;
    unfilled.push(whole);
    return whole;
  });
  return { text, unfilled };
}
