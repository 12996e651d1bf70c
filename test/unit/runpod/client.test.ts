import assert from 'node:assert/strict';
import { inspect } from 'node:util';
import {
  backoffDelay,
  parseRetryAfter,
  RunPodClient,
  RunPodError,
  type RetryInfo,
  type RunPodClientOptions,
  type RunRequest,
} from '../../../src/core/backends/runpod';

const KEY = 'rpa_TESTKEY_0123456789abcdefghijklmnop';
const BASE = 'https://api.runpod.test/v2';
const ENDPOINT = 'ep-123';

/** What the fake server does for one request: answer, drop the connection, or never answer. */
type Reply =
  | { status?: number; json?: unknown; text?: string; headers?: Record<string, string> }
  | { network: string; message?: string }
  | 'hang'
  | 'deaf';

interface Call {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: string | null;
  signal: AbortSignal | null;
}

/** A client over a scripted fetch; the last reply repeats, so retries can be counted. */
function harness(replies: Reply[], options: Partial<RunPodClientOptions> = {}) {
  const calls: Call[] = [];
  const sleeps: number[] = [];
  const retries: RetryInfo[] = [];
  const fakeFetch: typeof fetch = (input, init) => {
    const reply = replies[Math.min(calls.length, replies.length - 1)]!;
    const signal = init?.signal ?? null;
    calls.push({
      url: String(input),
      method: init?.method ?? 'GET',
      headers: { ...(init?.headers as Record<string, string>) },
      body: typeof init?.body === 'string' ? init.body : null,
      signal,
    });
    if (reply === 'deaf') return new Promise<Response>(() => undefined);
    if (reply === 'hang') {
      return new Promise<Response>((_, reject) => {
        signal?.addEventListener('abort', () => reject(new DOMException('The operation was aborted.', 'AbortError')));
      });
    }
    if ('network' in reply) {
      const cause = Object.assign(new Error(reply.message ?? `connect ${reply.network}`), { code: reply.network });
      return Promise.reject(new TypeError('fetch failed', { cause }));
    }
    const text = reply.text ?? (reply.json === undefined ? '' : JSON.stringify(reply.json));
    return Promise.resolve(new Response(text, { status: reply.status ?? 200, headers: reply.headers ?? {} }));
  };
  const client = new RunPodClient({
    baseUrl: BASE,
    endpointId: ENDPOINT,
    apiKey: KEY,
    fetch: fakeFetch,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    random: () => 1,
    onRetry: (info) => retries.push(info),
    ...options,
  });
  return { client, calls, sleeps, retries };
}

/** Every error any test saw; the last suite checks none of them holds the key. */
const seen: RunPodError[] = [];

async function failure(p: Promise<unknown>): Promise<RunPodError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof RunPodError, `expected a RunPodError, got ${String(e)}`);
    seen.push(e);
    return e;
  }
  assert.fail('expected the call to fail');
}

function runRequest(): RunRequest {
  return {
    input: {
      trainlab: {
        schemaVersion: 1,
        style: { id: 's1', name: 'Style' },
        version: { id: 'v1', name: 'v1' },
        session: { id: 'sess1', attempt: 1 },
        trainer: 'demo',
        parameters: { steps: 10 },
        triggerToken: 'tok',
        dataset: { id: null, url: 'https://example.test/data.zip', imageCount: 3 },
        resume: null,
      },
    },
    policy: { executionTimeout: 3_600_000, ttl: 30_000_000 },
  };
}

const FAILED_ERROR = JSON.stringify({
  error_type: "<class 'RuntimeError'>",
  error_message: 'CUDA out of memory',
  error_traceback: 'Traceback (most recent call last):\n  ...',
  hostname: 'abc-host',
  worker_id: 'w-9',
  runpod_version: '1.7.0',
});

describe('RunPodClient: routes', () => {
  it('run POSTs the request with Bearer auth and JSON, and returns the queued job', async () => {
    const h = harness([{ json: { id: 'job-1', status: 'IN_QUEUE' } }]);
    const req = runRequest();
    const js = await h.client.run(req);
    assert.equal(js.id, 'job-1');
    assert.equal(js.status, 'IN_QUEUE');
    assert.equal(h.calls.length, 1);
    const call = h.calls[0]!;
    assert.equal(call.url, `${BASE}/${ENDPOINT}/run`);
    assert.equal(call.method, 'POST');
    assert.equal(call.headers.Authorization, `Bearer ${KEY}`);
    assert.equal(call.headers['Content-Type'], 'application/json');
    assert.deepEqual(JSON.parse(call.body!), req);
  });

  it('uses a configured base URL, with or without a trailing slash', async () => {
    const h = harness([{ json: { id: 'j', status: 'IN_QUEUE' } }], { baseUrl: 'http://127.0.0.1:8123/v2/' });
    await h.client.status('j');
    assert.equal(h.calls[0]!.url, 'http://127.0.0.1:8123/v2/ep-123/status/j');
  });

  it('status GETs an URL-encoded job id and reads every field', async () => {
    const h = harness([{ json: { id: 'a/b c', status: 'COMPLETED', delayTime: 1200, executionTime: 45000, workerId: 'w-1', output: { model: 'https://x/m.safetensors' } } }]);
    const js = await h.client.status('a/b c');
    assert.equal(h.calls[0]!.url, `${BASE}/${ENDPOINT}/status/a%2Fb%20c`);
    assert.equal(h.calls[0]!.method, 'GET');
    assert.equal(h.calls[0]!.headers.Authorization, `Bearer ${KEY}`);
    assert.deepEqual(js, {
      id: 'a/b c',
      status: 'COMPLETED',
      rawStatus: 'COMPLETED',
      delayTime: 1200,
      executionTime: 45000,
      output: { model: 'https://x/m.safetensors' },
      error: null,
      workerId: 'w-1',
    });
  });

  it('status reads `error` given as a JSON string', async () => {
    const h = harness([{ json: { id: 'j', status: 'FAILED', error: FAILED_ERROR } }]);
    const js = await h.client.status('j');
    assert.deepEqual(js.error, {
      message: 'CUDA out of memory',
      type: "<class 'RuntimeError'>",
      traceback: 'Traceback (most recent call last):\n  ...',
      hostname: 'abc-host',
      workerId: 'w-9',
      raw: FAILED_ERROR,
    });
  });

  it('status reads `error` given as a plain string or an object', async () => {
    const plain = await harness([{ json: { id: 'j', status: 'FAILED', error: 'handler crashed' } }]).client.status('j');
    assert.deepEqual(plain.error, { message: 'handler crashed', type: null, traceback: null, hostname: null, workerId: null, raw: 'handler crashed' });
    const brace = await harness([{ json: { id: 'j', status: 'FAILED', error: '{not json' } }]).client.status('j');
    assert.equal(brace.error?.message, '{not json');
    const obj = await harness([{ json: { id: 'j', status: 'FAILED', error: { error_type: 'ValueError', error_message: 'bad lr' } } }]).client.status('j');
    assert.equal(obj.error?.type, 'ValueError');
    assert.equal(obj.error?.message, 'bad lr');
  });

  it('reads RUNNING as IN_PROGRESS and reports an unknown status instead of guessing', async () => {
    const running = await harness([{ json: { id: 'j', status: 'RUNNING' } }]).client.status('j');
    assert.equal(running.status, 'IN_PROGRESS');
    assert.equal(running.rawStatus, 'RUNNING');
    const odd = await harness([{ json: { id: 'j', status: 'PAUSED' } }]).client.status('j');
    assert.equal(odd.status, null);
    assert.equal(odd.rawStatus, 'PAUSED');
  });

  it('tolerates odd optional fields (null, strings) without failing the answer', async () => {
    const js = await harness([{ json: { id: 'j', status: 'IN_QUEUE', delayTime: 'soon', executionTime: null, workerId: 7 } }]).client.status('j');
    assert.equal(js.delayTime, null);
    assert.equal(js.executionTime, null);
    assert.equal(js.workerId, null);
    assert.equal(js.output, null);
  });

  it('stream reads the SDK shape `{ status, stream: [{ output }] }`', async () => {
    const h = harness([{ json: { status: 'IN_PROGRESS', stream: [{ output: { seq: 1, lines: ['a', 'b'] } }, { output: { seq: 2, lines: ['c'] } }] } }]);
    const s = await h.client.stream('job 1');
    assert.equal(h.calls[0]!.url, `${BASE}/${ENDPOINT}/stream/job%201`);
    assert.deepEqual(s, { status: 'IN_PROGRESS', rawStatus: 'IN_PROGRESS', chunks: [{ seq: 1, lines: ['a', 'b'] }, { seq: 2, lines: ['c'] }] });
  });

  it('stream reads the documented bare array `[{ output }]`', async () => {
    const s = await harness([{ json: [{ output: 'line 1\nline 2\n' }, { output: { seq: 3, lines: ['x'] } }] }]).client.stream('j');
    assert.deepEqual(s, { status: null, rawStatus: null, chunks: [{ seq: null, lines: ['line 1', 'line 2'] }, { seq: 3, lines: ['x'] }] });
  });

  it('stream reports an unknown status and an empty stream', async () => {
    const s = await harness([{ json: { status: 'WARMING', stream: [] } }]).client.stream('j');
    assert.deepEqual(s, { status: null, rawStatus: 'WARMING', chunks: [] });
    const done = await harness([{ json: { status: 'COMPLETED' } }]).client.stream('j');
    assert.deepEqual(done, { status: 'COMPLETED', rawStatus: 'COMPLETED', chunks: [] });
  });

  it('cancel and retry POST to their routes', async () => {
    const c = harness([{ json: { id: 'j', status: 'CANCELLED' } }]);
    assert.equal((await c.client.cancel('j')).status, 'CANCELLED');
    assert.equal(c.calls[0]!.method, 'POST');
    assert.equal(c.calls[0]!.url, `${BASE}/${ENDPOINT}/cancel/j`);
    const r = harness([{ json: { id: 'j', status: 'IN_QUEUE' } }]);
    assert.equal((await r.client.retry('j')).status, 'IN_QUEUE');
    assert.equal(r.calls[0]!.method, 'POST');
    assert.equal(r.calls[0]!.url, `${BASE}/${ENDPOINT}/retry/j`);
  });

  it('health reads jobs (missing counts are 0) and keeps numeric worker fields', async () => {
    const h = harness([{ json: { jobs: { completed: 5, failed: 1, inQueue: 2 }, workers: { idle: 1, running: 2, throttled: 3, note: 'x' } } }]);
    const health = await h.client.health();
    assert.equal(h.calls[0]!.url, `${BASE}/${ENDPOINT}/health`);
    assert.deepEqual(health, { jobs: { completed: 5, failed: 1, inProgress: 0, inQueue: 2, retried: 0 }, workers: { idle: 1, running: 2, throttled: 3 } });
    const empty = await harness([{ json: {} }]).client.health();
    assert.deepEqual(empty, { jobs: { completed: 0, failed: 0, inProgress: 0, inQueue: 0, retried: 0 }, workers: { idle: 0, running: 0 } });
  });

  it('refuses an empty job id without calling RunPod', async () => {
    const h = harness([{ json: {} }]);
    const e = await failure(h.client.status('  '));
    assert.equal(e.kind, 'bad-request');
    assert.equal(h.calls.length, 0);
  });

  it('never shows the key when the client itself is printed', () => {
    const { client } = harness([{ json: {} }]);
    assert.ok(!inspect(client, { depth: 5, showHidden: true }).includes(KEY));
    assert.ok(!JSON.stringify(client).includes(KEY));
  });
});

describe('RunPodClient: errors', () => {
  it('401 says RunPod rejected the API key, naming route and endpoint, and is not retried', async () => {
    const h = harness([{ status: 401, text: 'Unauthorized' }]);
    const e = await failure(h.client.status('j'));
    assert.equal(e.kind, 'auth');
    assert.equal(e.status, 401);
    assert.equal(e.route, '/status');
    assert.match(e.message, /^RunPod rejected the API key \(/);
    assert.ok(e.message.includes('/status') && e.message.includes(ENDPOINT));
    assert.equal(h.calls.length, 1);
  });

  it('400 gives the request\'s problem in RunPod\'s words', async () => {
    const cases: [Reply, RegExp][] = [
      [{ status: 400, json: { error: 'policy.executionTimeout must be at least 5000' } }, /policy\.executionTimeout must be at least 5000\.$/],
      [{ status: 400, json: { message: 'input is required' } }, /input is required\./],
      [{ status: 400, json: { title: 'Bad Request', detail: 'ttl too large' } }, /ttl too large\./],
      [{ status: 400, text: 'plain words here' }, /plain words here\./],
      [{ status: 400, text: '' }, /RunPod gave no reason\./],
    ];
    for (const [reply, expected] of cases) {
      const h = harness([reply]);
      const e = await failure(h.client.cancel('j'));
      assert.equal(e.kind, 'bad-request');
      assert.equal(e.status, 400);
      assert.match(e.message, /^RunPod refused the request to \/cancel for endpoint "ep-123" \(HTTP 400\): /);
      assert.match(e.message, expected);
      assert.equal(h.calls.length, 1);
    }
  });

  it('404 on a job says it is unknown or expired; on /health it names the endpoint', async () => {
    const job = await failure(harness([{ status: 404, json: { error: 'job not found' } }]).client.status('gone-1'));
    assert.equal(job.kind, 'not-found');
    assert.equal(job.jobId, 'gone-1');
    assert.match(job.message, /does not know job "gone-1"/);
    assert.match(job.message, /expired or the id is unknown/);
    const stream = await failure(harness([{ status: 404 }]).client.stream('gone-2'));
    assert.equal(stream.kind, 'not-found');
    const endpoint = await failure(harness([{ status: 404 }]).client.health());
    assert.equal(endpoint.kind, 'not-found');
    assert.match(endpoint.message, /no endpoint "ep-123"/);
  });

  it('429 without Retry-After backs off exponentially, bounded by maxRetries', async () => {
    const h = harness([{ status: 429 }]);
    const e = await failure(h.client.status('j'));
    assert.equal(e.kind, 'rate-limited');
    assert.equal(e.retryable, true);
    assert.equal(e.attempts, 5);
    assert.match(e.message, /Gave up after 5 attempts\./);
    assert.equal(h.calls.length, 5);
    assert.deepEqual(h.sleeps, [1000, 2000, 4000, 8000]);
  });

  it('429 honours Retry-After in seconds and as an HTTP date, capped at 120 s', async () => {
    const secs = harness([{ status: 429, headers: { 'Retry-After': '7' } }, { json: { id: 'j', status: 'IN_QUEUE' } }]);
    assert.equal((await secs.client.status('j')).status, 'IN_QUEUE');
    assert.deepEqual(secs.sleeps, [7000]);

    const now = Date.parse('2026-03-01T12:00:00Z');
    const date = harness([{ status: 429, headers: { 'Retry-After': 'Sun, 01 Mar 2026 12:00:10 GMT' } }, { json: { id: 'j', status: 'IN_QUEUE' } }], { now: () => now });
    await date.client.status('j');
    assert.deepEqual(date.sleeps, [10_000]);

    const huge = harness([{ status: 429, headers: { 'Retry-After': '3600' } }, { json: { id: 'j', status: 'IN_QUEUE' } }]);
    await huge.client.status('j');
    assert.deepEqual(huge.sleeps, [120_000]);

    const junk = harness([{ status: 429, headers: { 'Retry-After': 'later' } }, { json: { id: 'j', status: 'IN_QUEUE' } }], { random: () => 0.5 });
    await junk.client.status('j');
    assert.deepEqual(junk.sleeps, [500]);
  });

  it('5xx is retried and may then succeed; onRetry is told why', async () => {
    const h = harness([{ status: 500 }, { status: 502 }, { json: { id: 'j', status: 'IN_PROGRESS' } }]);
    assert.equal((await h.client.status('j')).status, 'IN_PROGRESS');
    assert.equal(h.calls.length, 3);
    assert.deepEqual(h.retries, [
      { route: '/status', attempt: 1, delayMs: 1000, reason: 'HTTP 500' },
      { route: '/status', attempt: 2, delayMs: 2000, reason: 'HTTP 502' },
    ]);
  });

  it('a lasting 5xx ends as a server error after maxRetries', async () => {
    const h = harness([{ status: 503, json: { error: 'no capacity' } }], { maxRetries: 2 });
    const e = await failure(h.client.health());
    assert.equal(e.kind, 'server');
    assert.equal(e.status, 503);
    assert.equal(h.calls.length, 3);
    assert.match(e.message, /RunPod said: no capacity\./);
  });

  it('network errors are retried and named by their code', async () => {
    const ok = harness([{ network: 'ECONNRESET' }, { json: { id: 'j', status: 'CANCELLED' } }]);
    assert.equal((await ok.client.cancel('j')).status, 'CANCELLED');
    assert.equal(ok.calls.length, 2);
    const h = harness([{ network: 'ECONNREFUSED' }], { maxRetries: 1 });
    const e = await failure(h.client.stream('j'));
    assert.equal(e.kind, 'network');
    assert.match(e.message, /Could not reach RunPod for \/stream on endpoint "ep-123" \(ECONNREFUSED\)/);
    assert.equal(h.calls.length, 2);
  });

  it('every attempt has its own timeout, even against a fetch that ignores the abort', async () => {
    const h = harness(['hang'], { timeoutMs: 15, maxRetries: 2 });
    const e = await failure(h.client.status('j'));
    assert.equal(e.kind, 'timeout');
    assert.match(e.message, /did not answer \/status for endpoint "ep-123" within 15 ms/);
    assert.equal(h.calls.length, 3);
    const signals = h.calls.map((c) => c.signal);
    assert.equal(new Set(signals).size, 3);
    assert.ok(signals.every((s) => s?.aborted));

    const deaf = harness(['deaf'], { timeoutMs: 15, maxRetries: 0 });
    assert.equal((await failure(deaf.client.health())).kind, 'timeout');
  });

  it('a body that is not JSON or lacks id/status is malformed, and not retried', async () => {
    const notJson = harness([{ text: '<html>oops</html>' }]);
    const e = await failure(notJson.client.status('j'));
    assert.equal(e.kind, 'malformed');
    assert.equal(e.retryable, false);
    assert.match(e.message, /could not be read: it is not JSON\./);
    assert.equal(notJson.calls.length, 1);
    const noId = harness([{ json: { status: 'COMPLETED' } }]);
    assert.equal((await failure(noId.client.status('j'))).kind, 'malformed');
    const notStream = harness([{ json: { hello: 1 } }]);
    assert.equal((await failure(notStream.client.stream('j'))).kind, 'malformed');
    const notHealth = harness([{ json: [1, 2] }]);
    assert.equal((await failure(notHealth.client.health())).kind, 'malformed');
  });
});

describe('RunPodClient: /run and /retry are never retried', () => {
  const lost: [string, Reply][] = [
    ['500', { status: 500 }],
    ['503', { status: 503, headers: { 'Retry-After': '1' } }],
    ['network error', { network: 'ECONNRESET' }],
    ['timeout', 'hang'],
    ['unreadable body', { text: 'not json' }],
    ['body without id', { json: { status: 'IN_QUEUE' } }],
  ];
  for (const [name, reply] of lost) {
    it(`a lost answer (${name}) is run-unconfirmed after exactly one call`, async () => {
      const h = harness([reply], { timeoutMs: 15 });
      const e = await failure(h.client.run(runRequest()));
      assert.equal(h.calls.length, 1);
      assert.equal(h.sleeps.length, 0);
      assert.equal(e.kind, 'run-unconfirmed');
      assert.equal(e.route, '/run');
      assert.equal(e.retryable, false);
      assert.match(e.message, /a job may have been created/);
      assert.match(e.message, /RunPod console before starting again/);
      assert.ok(e.message.includes(ENDPOINT));
    });
  }

  const refused: [string, Reply, RunPodError['kind']][] = [
    ['429', { status: 429, headers: { 'Retry-After': '2' } }, 'rate-limited'],
    ['400', { status: 400, json: { error: 'input too large' } }, 'bad-request'],
    ['401', { status: 401 }, 'auth'],
    ['404', { status: 404 }, 'not-found'],
  ];
  for (const [name, reply, kind] of refused) {
    it(`a clear refusal (${name}) is reported as ${kind}, since nothing started`, async () => {
      const h = harness([reply]);
      const e = await failure(h.client.run(runRequest()));
      assert.equal(h.calls.length, 1);
      assert.equal(e.kind, kind);
      assert.doesNotMatch(e.message, /may have been created/);
      if (kind === 'rate-limited') assert.match(e.message, /No job was started/);
    });
  }

  it('an invalid request is refused before anything is sent', async () => {
    const h = harness([{ json: { id: 'j', status: 'IN_QUEUE' } }]);
    const bad = { ...runRequest(), policy: { executionTimeout: -1, ttl: 10 } };
    const e = await failure(h.client.run(bad));
    assert.equal(e.kind, 'bad-request');
    assert.match(e.message, /policy\.executionTimeout/);
    assert.equal(h.calls.length, 0);
  });

  it('a run answer with an unknown status still returns the job, since it exists', async () => {
    const js = await harness([{ json: { id: 'j', status: 'QUEUED_SOMEWHERE' } }]).client.run(runRequest());
    assert.equal(js.id, 'j');
    assert.equal(js.status, null);
  });

  it('/retry is called once; a lost answer warns that the job may be queued again', async () => {
    const h = harness([{ status: 503 }]);
    const e = await failure(h.client.retry('j'));
    assert.equal(h.calls.length, 1);
    assert.equal(e.kind, 'server');
    assert.equal(e.retryable, false);
    assert.match(e.message, /may have been queued again/);
  });
});

describe('backoff and Retry-After', () => {
  it('grows ×2 from 1 s and stops at the 30 s cap', async () => {
    const h = harness([{ status: 500 }], { maxRetries: 8 });
    await failure(h.client.status('j'));
    assert.equal(h.calls.length, 9);
    assert.deepEqual(h.sleeps, [1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000]);
  });

  it('full jitter picks a point below the ceiling', () => {
    assert.equal(backoffDelay(3, () => 0), 0);
    assert.equal(backoffDelay(3, () => 0.25), 1000);
    assert.equal(backoffDelay(20, () => 0.5), 15000);
    for (let i = 1; i < 40; i++) assert.ok(backoffDelay(i, Math.random) <= 30_000);
  });

  it('parses Retry-After as seconds or a date, and ignores junk', () => {
    const now = Date.parse('2026-03-01T12:00:00Z');
    assert.equal(parseRetryAfter(null, now), null);
    assert.equal(parseRetryAfter('', now), null);
    assert.equal(parseRetryAfter('0', now), 0);
    assert.equal(parseRetryAfter('2.5', now), 2500);
    assert.equal(parseRetryAfter('Sun, 01 Mar 2026 12:01:00 GMT', now), 60_000);
    assert.equal(parseRetryAfter('Sun, 01 Mar 2026 11:00:00 GMT', now), 0);
    assert.equal(parseRetryAfter('999999', now), 120_000);
    assert.equal(parseRetryAfter('soon', now), null);
  });
});

describe('the API key never leaks', () => {
  it('is in no error message, stack or printed error, even when RunPod or fetch echoes it', async () => {
    const echoes: [Reply, (c: RunPodClient) => Promise<unknown>][] = [
      [{ status: 400, json: { error: `bad header Bearer ${KEY}` } }, (c) => c.status('j')],
      [{ status: 500, text: `upstream saw ${KEY}` }, (c) => c.health()],
      [{ network: 'EPROTO', message: `tls failed for ${KEY}` }, (c) => c.cancel('j')],
      [{ network: '', message: `weird ${KEY}` }, (c) => c.stream('j')],
      [{ status: 401, text: KEY }, (c) => c.run(runRequest())],
      [{ status: 503, text: KEY }, (c) => c.retry('j')],
    ];
    const retries: RetryInfo[] = [];
    for (const [reply, call] of echoes) {
      const h = harness([reply], { maxRetries: 1 });
      await failure(call(h.client));
      retries.push(...h.retries);
    }
    assert.ok(seen.length > 30, `expected errors from every suite, saw ${seen.length}`);
    for (const e of seen) {
      for (const text of [e.message, String(e.stack), String(e), inspect(e, { depth: 5, showHidden: true }), JSON.stringify(e)]) {
        assert.ok(!text.includes(KEY), `key leaked in ${e.kind} error: ${e.message}`);
      }
    }
    for (const r of retries) assert.ok(!r.reason.includes(KEY));
  });
});
