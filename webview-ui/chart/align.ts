/**
 * Joins several tables that each have their own ascending x values into one x column (the
 * union) with null where a table has no point: the aligned data a chart of overlaid series
 * draws. Pure.
 */

export interface Table {
  readonly xs: ArrayLike<number>;
  readonly columns: readonly ArrayLike<number | null>[];
}

export interface Aligned {
  xs: number[];
  /** The columns of all tables, in order, each as long as `xs`. */
  columns: (number | null)[][];
}

export function alignTables(tables: readonly Table[]): Aligned {
  if (tables.length === 1) {
    const t = tables[0]!;
    return { xs: Array.from(t.xs), columns: t.columns.map((c) => Array.from(c, (v) => v ?? null)) };
  }
  const xs: number[] = [];
  const pos = tables.map(() => 0);
  for (;;) {
    let next = Infinity;
    for (let k = 0; k < tables.length; k++) {
      const t = tables[k]!;
      if (pos[k]! < t.xs.length && t.xs[pos[k]!]! < next) next = t.xs[pos[k]!]!;
    }
    if (next === Infinity) break;
    xs.push(next);
    for (let k = 0; k < tables.length; k++) {
      const t = tables[k]!;
      while (pos[k]! < t.xs.length && t.xs[pos[k]!]! <= next) pos[k]!++;
    }
  }
  const columns: (number | null)[][] = [];
  for (const t of tables) {
    const cols = t.columns.map(() => new Array<number | null>(xs.length).fill(null));
    let j = 0;
    for (let i = 0; i < t.xs.length; i++) {
      const x = t.xs[i]!;
      while (xs[j]! < x) j++;
      for (let c = 0; c < cols.length; c++) cols[c]![j] = t.columns[c]![i] ?? null;
    }
    columns.push(...cols);
  }
  return { xs, columns };
}
