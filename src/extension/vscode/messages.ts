import * as vscode from 'vscode';

/** A button of a message that runs a command (e.g. "Set RunPod API Key"). */
export interface MessageAction {
  title: string;
  command: string;
}

/**
 * Shows a message whose buttons lead to the fix; the picked one's command runs. Not awaited by
 * the caller: a command that refused is over, whatever the person clicks later.
 */
export function showWithActions(kind: 'error' | 'warning', text: string, actions: readonly MessageAction[]): void {
  const titles = actions.map((a) => a.title);
  const shown = kind === 'error' ? vscode.window.showErrorMessage(text, ...titles) : vscode.window.showWarningMessage(text, ...titles);
  void shown.then((picked) => {
    const action = actions.find((a) => a.title === picked);
    if (action) void vscode.commands.executeCommand(action.command);
  });
}
