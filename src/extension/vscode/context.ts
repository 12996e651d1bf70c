import * as vscode from 'vscode';

/** Sets a context key for `when` clauses; skips the call when the value did not change. */
export class ContextKeys {
  private readonly values = new Map<string, unknown>();

  set(key: string, value: unknown): void {
    if (this.values.has(key) && this.values.get(key) === value) return;
    this.values.set(key, value);
    void vscode.commands.executeCommand('setContext', key, value);
  }

  get(key: string): unknown {
    return this.values.get(key);
  }
}
