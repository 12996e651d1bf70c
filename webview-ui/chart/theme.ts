/**
 * VS Code marks the webview's body with its theme kind (`vscode-dark`, `vscode-light`,
 * `vscode-high-contrast`, `vscode-high-contrast-light`) and swaps that class when the user
 * changes the theme. Charts draw with colours read once, so their owners redraw on a change.
 */

/** The body's theme classes, sorted and joined (the part of `class` that names the theme). */
export function themeKey(className: string): string {
  return className
    .split(/\s+/)
    .filter((c) => /^vscode-(dark|light|high-contrast(-light)?)$/.test(c))
    .sort()
    .join(' ');
}

/** Calls `onChange` whenever the theme class of `target` (the body) changes; returns the stop. */
export function onThemeChange(onChange: () => void, target: HTMLElement | undefined = typeof document === 'undefined' ? undefined : document.body): () => void {
  if (!target || typeof MutationObserver !== 'function') return () => undefined;
  let key = themeKey(target.className);
  const observer = new MutationObserver(() => {
    const next = themeKey(target.className);
    if (next === key) return;
    key = next;
    onChange();
  });
  observer.observe(target, { attributes: true, attributeFilter: ['class'] });
  return () => observer.disconnect();
}
