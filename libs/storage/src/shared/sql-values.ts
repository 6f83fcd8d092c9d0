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
