/**
 * Turns a trainer's console output into what a terminal must be sent: `\n` becomes `\r\n` (a
 * pseudoterminal gets no line discipline), a `\r` on its own goes through untouched (the
 * terminal redraws a progress bar in place by itself), and UTF-8 split across two reads is
 * decoded whole. No `vscode` import: unit-tested in plain Node.
 */
import { StringDecoder } from 'node:string_decoder';

export class TerminalTextConverter {
  private decoder = new StringDecoder('utf8');
  /** The last character written was `\r` (so a `\n` that starts the next chunk needs none). */
  private afterCR = false;

  /** The terminal text of the next chunk of the log. */
  push(chunk: Buffer | string): string {
    const text = typeof chunk === 'string' ? chunk : this.decoder.write(chunk);
    return this.convert(text);
  }

  /** Whatever an unfinished UTF-8 sequence held, at the end of the log. */
  end(): string {
    const rest = this.decoder.end();
    this.decoder = new StringDecoder('utf8');
    return this.convert(rest);
  }

  /** Forget the state (the log was replaced and is read again from its start). */
  reset(): void {
    this.decoder = new StringDecoder('utf8');
    this.afterCR = false;
  }

  private convert(text: string): string {
    if (!text) return '';
    let out = text.replace(/\r?\n/g, '\r\n');
    // A `\r\n` pair split over two chunks: the `\r` went out already.
    if (this.afterCR && text.startsWith('\n')) out = out.slice(1);
    this.afterCR = text.endsWith('\r');
    return out;
  }
}

/** Log lines (as readLastLines returns them: no `\r`, no `\n`) as terminal text. */
export function linesToTerminal(lines: readonly string[]): string {
  return lines.join('\r\n');
}

/** ANSI colours for the lines Trainlab itself writes into a session's terminal. */
export const Ansi = {
  dim: (t: string) => `\x1b[2m${t}\x1b[0m`,
  green: (t: string) => `\x1b[32m${t}\x1b[0m`,
  red: (t: string) => `\x1b[31m${t}\x1b[0m`,
  yellow: (t: string) => `\x1b[33m${t}\x1b[0m`,
  bold: (t: string) => `\x1b[1m${t}\x1b[0m`,
};

/** Strips control sequences and characters from text Trainlab prints about a session (its error message). */
export function plainText(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\x1b\[[0-9;?]*[ -/]*[@-~]/g, '').replace(/\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)/g, '').replace(/[\x00-\x08\x0b-\x1f\x7f]/g, ' ');
}
