/** One GitHub-flavoured Markdown table; cells are escaped so a `|` in a payload cannot split a column. */
export function table(header: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const line = (cells: readonly string[]) => `| ${cells.map(cell).join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

/** Inline code; inside a table, {@link table} escapes its pipes (GFM needs `\|` even in code spans). */
export function code(text: string): string {
  return `\`${text}\``;
}

function cell(text: string): string {
  return text.replace(/\r?\n/g, ' ').replace(/\|/g, '\\|');
}
