/**
 * The webview's side of the protocol: every message from the extension is parsed with the
 * shared schemas (anything else is dropped and logged to the webview console); requests carry
 * an id and are answered or time out; the page's state goes through `setState`.
 */
import {
  describeDropped,
  parseMessage,
  REQUEST_TIMEOUT_MS,
  type RequestAction,
  type RequestArgs,
  type ToWebviewMessage,
  type WebviewState,
} from '../src/shared/panel-protocol';

export interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

export class RequestError extends Error {
  constructor(
    message: string,
    readonly cancelled = false,
  ) {
    super(message);
    this.name = 'RequestError';
  }
}

interface Pending {
  resolve(result: unknown): void;
  reject(e: RequestError): void;
  timer: ReturnType<typeof setTimeout>;
}

export class Host {
  private next = 1;
  private readonly pending = new Map<string, Pending>();

  constructor(
    private readonly api: VsCodeApi,
    private readonly onMessage: (m: Exclude<ToWebviewMessage, { type: 'response' }>) => void,
    private readonly timeoutMs = REQUEST_TIMEOUT_MS,
  ) {
    window.addEventListener('message', (e: MessageEvent<unknown>) => this.receive(e.data));
  }

  /** Tells the extension the page is ready for its messages. */
  ready(): void {
    this.api.postMessage({ type: 'ready' });
  }

  private receive(raw: unknown): void {
    const m = parseMessage('toWebview', raw);
    if (!m) {
      console.warn(`Trainlab panel: dropped a malformed or unknown message ${describeDropped(raw)}`);
      return;
    }
    if (m.type === 'response') {
      const p = this.pending.get(m.id);
      if (!p) return; // timed out already
      this.pending.delete(m.id);
      clearTimeout(p.timer);
      if (m.ok) p.resolve(m.result);
      else p.reject(new RequestError(m.error, m.cancelled ?? false));
      return;
    }
    this.onMessage(m);
  }

  /** Asks the extension for one of the allowed actions; rejects with its refusal or on timeout. */
  request<A extends RequestAction>(action: A, args: RequestArgs<A>, timeoutMs = this.timeoutMs): Promise<unknown> {
    const id = `r${this.next++}`;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new RequestError(`No answer from Trainlab within ${Math.round(timeoutMs / 1000)} s (${action}).`));
      }, timeoutMs);
      this.pending.set(id, { resolve, reject, timer });
      this.api.postMessage({ type: 'request', id, action, args });
    });
  }

  getState(): unknown {
    return this.api.getState();
  }

  setState(state: WebviewState): void {
    this.api.setState(state);
  }
}
