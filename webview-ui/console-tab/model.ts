/**
 * The Console tab's pure logic (tested in Node): which subscription the tab wants, the labels
 * of the session picker, and the sequence filter for streamed messages.
 */
import type { ConsoleSessionChoice, ConsoleUiState, VersionSummary } from '../../src/shared/panel-protocol';

/** What the tab subscribes to: the chosen session, or the newest of the selected version. */
export interface ConsoleTarget {
  sessionId: string | null;
  versionId: string | null;
}

export function consoleTarget(state: ConsoleUiState | undefined, selectedVersionId: string | undefined): ConsoleTarget {
  const versionId = selectedVersionId && selectedVersionId !== '__new__' ? selectedVersionId : null;
  return { sessionId: state?.sessionId ?? null, versionId };
}

export function sameTarget(a: ConsoleTarget | undefined, b: ConsoleTarget): boolean {
  return !!a && a.sessionId === b.sessionId && a.versionId === b.versionId;
}

/**
 * The newest session of the selected version as the versions now stand: a change (a new
 * session started) makes an "automatic" tab subscribe again.
 */
export function newestSessionOf(versions: readonly VersionSummary[], versionId: string | null): string | null {
  if (!versionId) return null;
  return versions.find((v) => v.id === versionId)?.session?.id ?? null;
}

/** "V2 · 2025-10-13 09:02 · running" */
export function sessionLabel(s: ConsoleSessionChoice): string {
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})/.exec(s.createdAt);
  return [s.versionId, m ? `${m[1]} ${m[2]}` : s.id, s.status].join(' · ');
}

export const AUTO_SESSION = '';

export interface PickerOption {
  value: string;
  text: string;
}

/** The picker's options: "Newest of <version>" first, then every session of the style. */
export function pickerOptions(sessions: readonly ConsoleSessionChoice[], versionId: string | null): PickerOption[] {
  const auto = { value: AUTO_SESSION, text: versionId ? `Newest session of ${versionId}` : 'Newest session of the style' };
  return [auto, ...sessions.map((s) => ({ value: s.id, text: sessionLabel(s) }))];
}

/** The line beside the picker. */
export function statusText(status: string | null, sessionId: string | null): string {
  if (!sessionId) return 'No session yet: start a training to see its console here.';
  return status === 'running' || status === 'pending' ? `${status}: following the log live` : (status ?? '');
}
