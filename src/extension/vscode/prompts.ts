import * as vscode from 'vscode';

/**
 * Every question a command may ask, behind one interface so tests (and other callers) never
 * meet a dialog: commands ask only for what their argument leaves out, through these.
 * Each returns undefined when the person cancels.
 */
export interface InputOptions {
  title: string;
  prompt?: string;
  value?: string;
  placeHolder?: string;
  /** Returns the message to show, or undefined when the text is acceptable. */
  validate?: (text: string) => string | undefined;
  /** Masks what is typed (a secret such as an API key). */
  password?: boolean;
}

export interface PickItem<T> {
  label: string;
  description?: string;
  detail?: string;
  value: T;
  iconId?: string;
}

export interface PickOptions {
  title: string;
  placeHolder?: string;
}

export interface ConfirmOptions {
  /** Shown under the message in the modal dialog. */
  detail?: string;
  /** Button labels; the answer is one of them, or undefined on cancel. */
  actions: string[];
  /** The label of the button that answers "no" (VS Code's own is "Cancel"). */
  cancelLabel?: string;
}

export interface SaveOptions {
  title: string;
  defaultUri?: vscode.Uri;
  filters?: Record<string, string[]>;
}

export interface OpenOptions {
  title: string;
  canSelectFiles: boolean;
  canSelectFolders: boolean;
  defaultUri?: vscode.Uri;
  filters?: Record<string, string[]>;
}

export interface Prompts {
  input(options: InputOptions): Promise<string | undefined>;
  pick<T>(items: readonly PickItem<T>[], options: PickOptions): Promise<T | undefined>;
  /** A modal warning with buttons. */
  confirm(message: string, options: ConfirmOptions): Promise<string | undefined>;
  saveFile(options: SaveOptions): Promise<vscode.Uri | undefined>;
  openFile(options: OpenOptions): Promise<vscode.Uri | undefined>;
}

/** The real dialogs. */
export const vscodePrompts: Prompts = {
  async input(o) {
    return vscode.window.showInputBox({
      title: o.title,
      prompt: o.prompt,
      value: o.value,
      placeHolder: o.placeHolder,
      password: o.password ?? false,
      ignoreFocusOut: true,
      validateInput: o.validate ? (text) => o.validate!(text) ?? null : undefined,
    });
  },
  async pick(items, o) {
    const picked = await vscode.window.showQuickPick(
      items.map((i) => ({ label: i.iconId ? `$(${i.iconId}) ${i.label}` : i.label, description: i.description, detail: i.detail, item: i })),
      { title: o.title, placeHolder: o.placeHolder, matchOnDescription: true, matchOnDetail: true },
    );
    return picked?.item.value;
  },
  async confirm(message, o) {
    if (!o.cancelLabel) return vscode.window.showWarningMessage(message, { modal: true, detail: o.detail }, ...o.actions);
    const items: vscode.MessageItem[] = [...o.actions.map((title) => ({ title })), { title: o.cancelLabel, isCloseAffordance: true }];
    const picked = await vscode.window.showWarningMessage(message, { modal: true, detail: o.detail }, ...items);
    return picked && picked.title !== o.cancelLabel ? picked.title : undefined;
  },
  async saveFile(o) {
    return vscode.window.showSaveDialog({ title: o.title, defaultUri: o.defaultUri, filters: o.filters });
  },
  async openFile(o) {
    const picked = await vscode.window.showOpenDialog({
      title: o.title,
      canSelectFiles: o.canSelectFiles,
      canSelectFolders: o.canSelectFolders,
      canSelectMany: false,
      defaultUri: o.defaultUri,
      filters: o.filters,
    });
    return picked?.[0];
  },
};

/** Prompts with some questions answered by `overrides` (tests), the rest by `base`. */
export function overridePrompts(base: Prompts, overrides: Partial<Prompts>): Prompts {
  return { ...base, ...overrides };
}
