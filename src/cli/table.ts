import Table from 'cli-table3';

/** No borders at all: columns two spaces apart, like `docker ps` or `kubectl get`. */
const BORDERLESS = {
  top: '',
  'top-mid': '',
  'top-left': '',
  'top-right': '',
  bottom: '',
  'bottom-mid': '',
  'bottom-left': '',
  'bottom-right': '',
  left: '',
  'left-mid': '',
  mid: '',
  'mid-mid': '',
  right: '',
  'right-mid': '',
  middle: '  ',
};

/** Table cells are single lines: newlines and tabs in free text would break the columns. */
export function oneLine(text: string, max = 60): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/**
 * Aligned columns under a header line. Cells may carry colour codes (cli-table3 measures the
 * visible width). `head` null draws no header (key/value listings).
 */
export function renderTable(head: readonly string[] | null, rows: readonly (readonly string[])[], options: { indent?: number; paintHead?: (s: string) => string } = {}): string {
  const table = new Table({
    ...(head ? { head: head.map((h) => (options.paintHead ? options.paintHead(h) : h)) } : {}),
    chars: BORDERLESS,
    style: { head: [], border: [], 'padding-left': 0, 'padding-right': 0, compact: true },
  });
  for (const row of rows) table.push([...row]);
  const pad = ' '.repeat(options.indent ?? 0);
  return table
    .toString()
    .split('\n')
    .map((l) => `${pad}${l}`.trimEnd())
    .join('\n');
}
