import * as vscode from 'vscode';
import { UiState, type MementoLike } from '../state';

/**
 * The workspaceState facade, telling when a style's state is reset ("Reset Style UI State"),
 * so an open panel of that style starts over instead of writing its old state back.
 */
export class ResettableUiState extends UiState implements vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<string>();
  readonly onDidResetStyle = this.emitter.event;

  constructor(memento: MementoLike) {
    super(memento);
  }

  override async resetStyleState(styleId: string): Promise<boolean> {
    const had = await super.resetStyleState(styleId);
    this.emitter.fire(styleId);
    return had;
  }

  dispose(): void {
    this.emitter.dispose();
  }
}
