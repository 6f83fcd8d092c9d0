/**
 * A multi-row VALUES list of numbered parameters: `sqlValues(2, 3)` is `($1,$2,$3),($4,$5,$6)`;
 * `tail` is appended to every row (e.g. `now()`). Batch inserts and updates are how the exchange
 * keeps to a few statements per consumed batch.
 */
export function sqlValues(rows: number, width: number, tail?: string): string {
  const out: string[] = [];
  for (let r = 0; r < rows; r++) {
    const cols: string[] = [];
    for (let c = 1; c <= width; c++) cols.push(`$${r * width + c}`);
    if (tail) cols.push(tail);
    out.push(`(${cols.join(',')})`);
  }
  return out.join(',');
}

/** PostgreSQL's limit on bind parameters in one statement (a 16-bit count). */
export const MAX_BIND_PARAMETERS = 65_535;

/**
 * Runs a multi-row statement over `params` (rows of `width` values, flattened) in as many
 * statements as PostgreSQL's parameter limit needs: `run` gets the VALUES list and that chunk's
 * parameters. Resolves with every chunk's result rows, in order. A document to thousands of
 * recipients must not become one statement the server refuses.
 */
export async function inChunks<T = never>(
  params: readonly unknown[],
  width: number,
  run: (values: string, chunk: unknown[]) => Promise<T[] | unknown>,
  tail?: string,
): Promise<T[]> {
  const rowsPerChunk = Math.floor(MAX_BIND_PARAMETERS / width);
  const out: T[] = [];
  for (let start = 0; start < params.length; start += rowsPerChunk * width) {
    const chunk = params.slice(start, start + rowsPerChunk * width);
    const result = await run(sqlValues(chunk.length / width, width, tail), chunk);
    if (Array.isArray(result)) out.push(...(result as T[]));
  }
  return out;
}

/**
 * Rows passed as one array parameter per column, for `INSERT ... SELECT * FROM unnest(...)`: a
 * statement of any number of rows with a fixed number of parameters (no chunking), so one round trip
 * can write several tables. `types` are the columns' SQL types; `from` numbers the first parameter.
 */
export function unnestRows(rows: ReadonlyArray<readonly unknown[]>, types: readonly string[], from = 1): { sql: string; params: unknown[][] } {
  const params = types.map((_, c) => rows.map((row) => row[c] ?? null));
  return { sql: `unnest(${types.map((type, c) => `$${from + c}::${type}[]`).join(', ')})`, params };
}
