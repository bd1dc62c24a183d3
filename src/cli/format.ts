/**
 * Plain-text layout for terminal output: no colours, so output stays the same
 * in a terminal, a CI log and a pipe.
 */

/**
 * Columns padded to their widest cell, two spaces apart; the last column is
 * not padded, so lines carry no trailing spaces.
 */
export function table(rows: ReadonlyArray<ReadonlyArray<string>>, indent = ''): string {
  const widths: number[] = [];
  for (const row of rows) {
    row.forEach((cell, i) => { widths[i] = Math.max(widths[i] ?? 0, cell.length); });
  }
  return rows
    .map((row) => indent + row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]))).join('  ').trimEnd())
    .map((line) => `${line}\n`)
    .join('');
}

/** `1 pipeline`, `2 pipelines`. */
export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

/** A value the API left out or set to null. */
export function orDash(value: string | null | undefined): string {
  return value === undefined || value === null || value === '' ? '-' : value;
}
