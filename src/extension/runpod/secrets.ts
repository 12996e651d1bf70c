/**
 * The RunPod API key, kept only in VS Code's SecretStorage (DESIGN.md: never in a file, a
 * setting, a log or a message). No `vscode` import: the storage is passed in (the real
 * `context.secrets`, or an in-memory one in tests), so this is tested in plain Node.
 */
import { Emitter, type Disposable } from '../../core/store/events';

/** The name the key is stored under in SecretStorage. */
export const RUNPOD_API_KEY_SECRET = 'trainlab.runpod.apiKey';

/** The parts of `vscode.SecretStorage` used here. */
export interface SecretStorageLike {
  get(key: string): PromiseLike<string | undefined>;
  store(key: string, value: string): PromiseLike<void>;
  delete(key: string): PromiseLike<void>;
  onDidChange(listener: (e: { key: string }) => unknown): Disposable;
}

/** Why a typed key cannot be one (for the input box), or undefined when it may be. Never echoes the key. */
export function apiKeyProblem(text: string): string | undefined {
  const key = text.trim();
  if (!key) return 'Paste the API key (RunPod console → Settings → API Keys), or press Escape.';
  if (/\s/.test(key)) return 'An API key has no spaces or line breaks in it.';
  // eslint-disable-next-line no-control-regex
  if (/[\x00-\x1f\x7f]/.test(key)) return 'An API key has no control characters in it.';
  if (key.length < 8) return 'That is too short for a RunPod API key.';
  return undefined;
}

/**
 * get / set / clear of the key, and an event when it changes (here, or in another window:
 * SecretStorage tells every window). The value read is cached until it changes, so a poll
 * does not ask the storage each time.
 */
export class RunPodSecrets implements Disposable {
  private cached: Promise<string | undefined> | undefined;
  private readonly emitter = new Emitter<void>();
  private readonly subscription: Disposable;

  constructor(private readonly storage: SecretStorageLike) {
    this.subscription = storage.onDidChange((e) => {
      if (e.key !== RUNPOD_API_KEY_SECRET) return;
      this.cached = undefined;
      this.emitter.fire();
    });
  }

  /** The key changed (set, cleared, or changed in another window). */
  onDidChange(listener: () => void): Disposable {
    return this.emitter.on(listener);
  }

  /** The key, or undefined when none is set. */
  get(): Promise<string | undefined> {
    this.cached ??= Promise.resolve(this.storage.get(RUNPOD_API_KEY_SECRET)).then(
      (v) => v?.trim() || undefined,
      () => {
        // A storage that cannot be read (a locked keyring) is "no key" this time, and asked again next time.
        this.cached = undefined;
        return undefined;
      },
    );
    return this.cached;
  }

  async has(): Promise<boolean> {
    return (await this.get()) !== undefined;
  }

  /** Stores a key; refuses (without repeating it) one that cannot be a key. */
  async set(key: string): Promise<void> {
    const problem = apiKeyProblem(key);
    if (problem) throw new Error(problem);
    const value = key.trim();
    await this.storage.store(RUNPOD_API_KEY_SECRET, value);
    this.cached = Promise.resolve(value);
  }

  async clear(): Promise<void> {
    await this.storage.delete(RUNPOD_API_KEY_SECRET);
    this.cached = Promise.resolve(undefined);
  }

  dispose(): void {
    this.subscription.dispose();
    this.emitter.clear();
  }
}
