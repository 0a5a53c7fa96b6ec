/** One schema change. Ids sort in the order they must be applied; `sql` may hold several statements. */
export interface Migration {
  readonly id: string;
  readonly sql: string;
}
