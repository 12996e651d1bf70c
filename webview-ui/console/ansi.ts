/**
 * ANSI SGR ("Select Graphic Rendition") state for the console: what a terminal keeps between
 * `ESC [ … m` sequences, and how a span's style maps to CSS classes (never inline styles: the
 * panel's CSP forbids them). Pure; runs in the webview and in plain Node.
 */

/** A palette index 0–255 (0–15 follow the VS Code terminal theme), or truecolor `#rrggbb`. */
export type AnsiColor = number | string;

/** The style of a run of text. Absent keys mean "off" / "default colour". */
export interface AnsiStyle {
  readonly fg?: AnsiColor;
  readonly bg?: AnsiColor;
  readonly bold?: boolean;
  readonly dim?: boolean;
  readonly italic?: boolean;
  readonly underline?: boolean;
  readonly inverse?: boolean;
  readonly strike?: boolean;
}

/** A run of text of one style. */
export interface Span extends AnsiStyle {
  readonly text: string;
}

export const PLAIN: AnsiStyle = Object.freeze({});

const FLAGS = ['bold', 'dim', 'italic', 'underline', 'inverse', 'strike'] as const;
type Flag = (typeof FLAGS)[number];
type MutableStyle = { -readonly [K in keyof AnsiStyle]: AnsiStyle[K] };

export function sameStyle(a: AnsiStyle, b: AnsiStyle): boolean {
  if (a === b) return true;
  if (a.fg !== b.fg || a.bg !== b.bg) return false;
  for (const f of FLAGS) if (!a[f] !== !b[f]) return false;
  return true;
}

function hex2(n: number): string {
  return Math.max(0, Math.min(255, n | 0)).toString(16).padStart(2, '0');
}

function rgbHex(r: number, g: number, b: number): string {
  return `#${hex2(r)}${hex2(g)}${hex2(b)}`;
}

/** Parses an extended colour (38/48 …) starting at `params[i]` (the 5 or 2); returns [colour, next index]. */
function extendedColor(params: number[][], i: number): [AnsiColor | undefined, number] {
  // Colon form: all in one parameter group, e.g. [38, 2, cs?, r, g, b] or [38, 5, n].
  const group = params[i - 1]!;
  if (group.length > 1) {
    const mode = group[1];
    if (mode === 5 && group.length >= 3) return [clampIndex(group[2]!), i];
    if (mode === 2 && group.length >= 5) {
      const rgb = group.length >= 6 ? group.slice(3, 6) : group.slice(2, 5);
      return [rgbHex(rgb[0]!, rgb[1]!, rgb[2]!), i];
    }
    return [undefined, i];
  }
  // Semicolon form: 38;5;n or 38;2;r;g;b.
  const mode = params[i]?.[0];
  if (mode === 5) {
    const n = params[i + 1]?.[0];
    return [n === undefined ? undefined : clampIndex(n), i + 2];
  }
  if (mode === 2) {
    const r = params[i + 1]?.[0];
    const g = params[i + 2]?.[0];
    const b = params[i + 3]?.[0];
    return [r === undefined || g === undefined || b === undefined ? undefined : rgbHex(r, g, b), i + 4];
  }
  return [undefined, params.length];
}

function clampIndex(n: number): number {
  return Math.max(0, Math.min(255, n | 0));
}

/**
 * Applies the parameter string of one SGR sequence (`"1;31"`, `"38:2::255:0:0"`, `""`) to a
 * style and returns the resulting style: `prev` itself when nothing changed (so equal styles
 * stay one object and adjacent text merges into one span).
 */
export function applySgr(prev: AnsiStyle, paramText: string): AnsiStyle {
  const params: number[][] = (paramText === '' ? [''] : paramText.split(';')).map((g) =>
    g.split(':').map((p) => (p === '' ? 0 : Number.parseInt(p, 10) || 0)),
  );
  const s: MutableStyle = { ...prev };
  for (let i = 0; i < params.length; ) {
    const group = params[i]!;
    const code = group[0]!;
    i++;
    if (code === 0) {
      for (const k of Object.keys(s) as (keyof MutableStyle)[]) delete s[k];
    } else if (code === 1) s.bold = true;
    else if (code === 2) s.dim = true;
    else if (code === 3) s.italic = true;
    else if (code === 4) {
      if (group.length > 1 && group[1] === 0) delete s.underline;
      else s.underline = true;
    } else if (code === 7) s.inverse = true;
    else if (code === 9) s.strike = true;
    else if (code === 21) s.underline = true;
    else if (code === 22) {
      delete s.bold;
      delete s.dim;
    } else if (code === 23) delete s.italic;
    else if (code === 24) delete s.underline;
    else if (code === 27) delete s.inverse;
    else if (code === 29) delete s.strike;
    else if (code >= 30 && code <= 37) s.fg = code - 30;
    else if (code === 39) delete s.fg;
    else if (code >= 40 && code <= 47) s.bg = code - 40;
    else if (code === 49) delete s.bg;
    else if (code >= 90 && code <= 97) s.fg = code - 90 + 8;
    else if (code >= 100 && code <= 107) s.bg = code - 100 + 8;
    else if (code === 38 || code === 48) {
      const [color, next] = extendedColor(params, i);
      i = next;
      if (color !== undefined) {
        if (code === 38) s.fg = color;
        else s.bg = color;
      }
    }
    // Anything else (blink, fonts, overline, …) is ignored.
  }
  for (const f of FLAGS) if (s[f] === false) delete s[f as Flag];
  return sameStyle(prev, s) ? prev : Object.freeze(s);
}

/** The xterm 256-colour palette's RGB for indices 16–255 (0–15 come from the theme). */
export function xtermRgb(index: number): [number, number, number] {
  if (index >= 232) {
    const v = 8 + (index - 232) * 10;
    return [v, v, v];
  }
  const i = index - 16;
  const level = (n: number) => (n === 0 ? 0 : 55 + n * 40);
  return [level(Math.floor(i / 36)), level(Math.floor(i / 6) % 6), level(i % 6)];
}

const nearestCache = new Map<string, number>();

/** The nearest of the fixed palette colours 16–255 to a `#rrggbb` truecolor. */
export function nearestPaletteIndex(hex: string): number {
  const hit = nearestCache.get(hex);
  if (hit !== undefined) return hit;
  const n = Number.parseInt(hex.slice(1), 16);
  const r = (n >> 16) & 255;
  const g = (n >> 8) & 255;
  const b = n & 255;
  let best = 16;
  let bestD = Infinity;
  for (let i = 16; i < 256; i++) {
    const [pr, pg, pb] = xtermRgb(i);
    // Weighted ("redmean"-like) distance: closer to perceived difference than plain RGB.
    const dr = r - pr;
    const dg = g - pg;
    const db = b - pb;
    const d = 2 * dr * dr + 4 * dg * dg + 3 * db * db;
    if (d < bestD) {
      bestD = d;
      best = i;
    }
  }
  if (nearestCache.size > 4096) nearestCache.clear();
  nearestCache.set(hex, best);
  return best;
}

function colorIndex(c: AnsiColor): number {
  return typeof c === 'number' ? c : nearestPaletteIndex(c);
}

/**
 * The CSS classes of a style (defined in console.css, generated by `consoleCss()`): colours as
 * `ansi-fg-N` / `ansi-bg-N` (N = 0–255; truecolor falls back to the nearest palette class),
 * inverse as swapped colours (`ansi-fg-inverse` / `ansi-bg-inverse` for the defaults).
 */
export function styleClasses(style: AnsiStyle): string[] {
  const out: string[] = [];
  let fg = style.fg === undefined ? undefined : colorIndex(style.fg);
  let bg = style.bg === undefined ? undefined : colorIndex(style.bg);
  if (style.inverse) {
    [fg, bg] = [bg, fg];
    out.push(fg === undefined ? 'ansi-fg-inverse' : `ansi-fg-${fg}`);
    out.push(bg === undefined ? 'ansi-bg-inverse' : `ansi-bg-${bg}`);
  } else {
    if (fg !== undefined) out.push(`ansi-fg-${fg}`);
    if (bg !== undefined) out.push(`ansi-bg-${bg}`);
  }
  if (style.bold) out.push('ansi-bold');
  if (style.dim) out.push('ansi-dim');
  if (style.italic) out.push('ansi-italic');
  if (style.underline) out.push('ansi-underline');
  if (style.strike) out.push('ansi-strike');
  return out;
}

/** VS Code's terminal theme variables for palette 0–15 (`--vscode-terminal-ansi<Name>`). */
export const THEME_ANSI_NAMES = [
  'Black', 'Red', 'Green', 'Yellow', 'Blue', 'Magenta', 'Cyan', 'White',
  'BrightBlack', 'BrightRed', 'BrightGreen', 'BrightYellow', 'BrightBlue', 'BrightMagenta', 'BrightCyan', 'BrightWhite',
] as const;

export function paletteHex(index: number): string {
  return rgbHex(...xtermRgb(index));
}
