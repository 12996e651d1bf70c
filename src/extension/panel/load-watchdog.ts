/**
 * What a training panel does when its page has not said "ready" in time. In code-server a new
 * webview's script can fail to load for about 30 s after another webview closed (seen in the
 * harness: reloads and a new panel stay empty until then, then load). So: load the page again
 * once, then ask for a new webview in the same place (a webview that came up empty may stay so),
 * and let that one try a few times more, past those 30 s, before telling the person.
 */

/** How long a page may take to say "ready" before the next step. */
export const READY_WATCHDOG_MS = 8_000;
/** Loads of one webview before giving up. */
export const MAX_PAGE_LOADS = 5;

export type StalledLoadStep = 'reload' | 'replace' | 'give-up';

/** The step after `tries` loads of a page that never said ready; a replacement panel is not `replaceable`. */
export function afterStalledLoad(tries: number, replaceable: boolean): StalledLoadStep {
  if (tries === 2 && replaceable) return 'replace';
  if (tries >= MAX_PAGE_LOADS) return 'give-up';
  return 'reload';
}
