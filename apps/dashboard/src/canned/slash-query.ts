/**
 * The `/shortcut` being typed at the caret, if any: a `/` at the start of the text or after
 * whitespace, followed by shortcut characters up to the caret. "Hi /ref|" → { start: 3, query: 'ref' };
 * "a/b|" (a path, a fraction) → null.
 */
export function slashQuery(text: string, caret: number): { start: number; query: string } | null {
  const before = text.slice(0, caret);
  const match = /(^|\s)\/([A-Za-z0-9_-]{0,32})$/.exec(before);
  if (!match) return null;
  return { start: before.length - match[2]!.length - 1, query: match[2]! };
}

/** The text with the `/query` at `start` (up to the caret) replaced by `insert`; and where the caret goes. */
export function replaceSlashQuery(text: string, caret: number, start: number, insert: string): { text: string; caret: number } {
  return { text: text.slice(0, start) + insert + text.slice(caret), caret: start + insert.length };
}
