import type * as vscode from 'vscode';
import type { WorkspaceStore } from '../../core/store';
import type { IDisposable } from '../lifecycle';
import type { TreeElement } from '../tree/elements';
import type { RunPodService } from './service';

/**
 * A RunPod session a tree shows is polled at once (DESIGN: "at once when a view shows the
 * session"): expanding a version shows its sessions; selecting a session or version row looks
 * at it; the Active Sessions view becoming visible shows every live session. The poller does not
 * repeat a poll made moments ago, so this costs nothing when nothing has changed.
 */
export function watchTreeViews(
  stylesView: vscode.TreeView<TreeElement>,
  activeView: vscode.TreeView<TreeElement>,
  store: () => WorkspaceStore | undefined,
  runpod: () => RunPodService,
): IDisposable[] {
  const sessionsOf = (el: TreeElement) => {
    const s = store();
    if (!s) return [];
    if (el.kind === 'session') {
      const one = s.getSession(el.sessionId)?.session;
      return one ? [one] : [];
    }
    if (el.kind === 'version') return s.listSessions({ styleId: el.styleId, versionId: el.versionId });
    return [];
  };
  const shown = (els: readonly TreeElement[]) => runpod().pollShown(els.flatMap(sessionsOf));
  return [
    stylesView.onDidExpandElement((e) => shown([e.element])),
    stylesView.onDidChangeSelection((e) => shown(e.selection)),
    activeView.onDidChangeSelection((e) => shown(e.selection)),
    activeView.onDidChangeVisibility((e) => {
      if (e.visible) runpod().pollShown(store()?.activeSessions() ?? []);
    }),
  ];
}
