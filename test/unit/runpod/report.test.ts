import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { MAX_REPORT_BYTES, readJobReport, reportPlace, RunPodError, type JobReport } from '../../../src/core/backends/runpod';

/**
 * Reading a worker's durable report: what counts as found, as absent (with a reason a person can
 * read), and as a failure worth trying again; the presigned query never in a message.
 */

const URL_ = 'https://bucket.example.com/trainlab/ink/s1/job-1/report-ab12.json?X-Amz-Credential=AKIA%2F&X-Amz-Signature=deadbeef';
const report: JobReport = {
  schemaVersion: 1,
  jobId: 'job-1',
  status: 'COMPLETED',
  updatedAt: '2026-12-06T10:00:00.000Z',
  progress: { step: 40, total: 40, loss: 0.05 },
  output: { model: 'https://bucket.example.com/m.safetensors', metrics: { finalLoss: 0.05, steps: 40 } },
  chunks: [{ seq: 1, lines: ['hello'], report: URL_ }, { seq: 2, lines: ['saving state at step 40'] }],
};

const answering = (body: string | null, init: ResponseInit = {}): typeof fetch => async () => new Response(body, init);
const failing = (e: unknown): typeof fetch => async () => Promise.reject(e);

async function absentReason(fetchImpl: typeof fetch, jobId = 'job-1'): Promise<string> {
  const r = await readJobReport(URL_, jobId, { fetch: fetchImpl });
  assert.equal(r.kind, 'absent');
  const reason = (r as { reason: string }).reason;
  assert.doesNotMatch(reason, /X-Amz|deadbeef|AKIA/, 'no presigned query in a message');
  return reason;
}

async function transient(fetchImpl: typeof fetch, options: { timeoutMs?: number } = {}): Promise<RunPodError> {
  try {
    await readJobReport(URL_, 'job-1', { fetch: fetchImpl, ...options });
  } catch (e) {
    assert.ok(e instanceof RunPodError, String(e));
    assert.equal(e.retryable, true);
    assert.equal(e.route, 'report');
    assert.doesNotMatch(e.message, /X-Amz|deadbeef|AKIA/);
    return e;
  }
  throw new Error('it did not throw');
}

describe('readJobReport', () => {
  it('finds the report of the job, chunks and all', async () => {
    const r = await readJobReport(URL_, 'job-1', { fetch: answering(JSON.stringify(report)) });
    assert.equal(r.kind, 'found');
    assert.deepEqual((r as { report: JobReport }).report, report);
  });

  it('names only host and path of the URL', () => {
    assert.equal(reportPlace(URL_), 'https://bucket.example.com/trainlab/ink/s1/job-1/report-ab12.json');
    assert.equal(reportPlace('https://user:secret@host.example/r.json?sig=1'), 'https://host.example/r.json');
    assert.equal(reportPlace('not a url'), 'an unreadable URL');
  });

  it('absent, with why: not there, refused, not JSON, not a report, another job’s', async () => {
    assert.match(await absentReason(answering('<Error>NoSuchKey</Error>', { status: 404 })), /^the worker's report at https:\/\/bucket\.example\.com\/.*report-ab12\.json is not there \(HTTP 404\): the worker never wrote it, or its link has expired$/);
    assert.match(await absentReason(answering('AccessDenied: Request has expired', { status: 403 })), /is not there \(HTTP 403\)/);
    assert.match(await absentReason(answering('bad', { status: 400 })), /answered HTTP 400/);
    assert.match(await absentReason(answering('{"schemaVersion": 1, ')), /is not JSON$/);
    assert.match(await absentReason(answering(JSON.stringify({ ...report, status: 'RUNNING' }))), /does not fit Trainlab's job contract \(status: /);
    assert.match(await absentReason(answering(JSON.stringify({ ...report, schemaVersion: 2 }))), /does not fit Trainlab's job contract \(schemaVersion: /);
    assert.match(await absentReason(answering(JSON.stringify(report)), 'job-2'), /is of job job-1, not job-2$/);
  });

  it('absent when it is larger than the limit, declared or not', async () => {
    assert.match(await absentReason(answering('{}', { headers: { 'content-length': String(MAX_REPORT_BYTES + 1) } })), /over Trainlab's limit/);
    const big = new ReadableStream<Uint8Array>({
      pull(controller) {
        controller.enqueue(new Uint8Array(8 * 1024 * 1024));
      },
    });
    assert.match(await absentReason(async () => new Response(big)), /over Trainlab's limit of \d+ bytes/);
  });

  it('throws a retryable error for what may pass: 5xx, 429, network errors, no answer in time', async () => {
    assert.match((await transient(answering('', { status: 503 }))).message, /^The worker's report of job job-1 at https:\/\/bucket\.example\.com\/\S+ could not be read \(HTTP 503\); Trainlab tries again later\.$/);
    assert.equal((await transient(answering('', { status: 429 }))).status, 429);
    const refused = await transient(failing(new TypeError('fetch failed', { cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }) })));
    assert.equal(refused.kind, 'network');
    assert.match(refused.message, /\(ECONNREFUSED\)/);
    const hang: typeof fetch = (_input, init) => new Promise((_resolve, reject) => init?.signal?.addEventListener('abort', () => reject(init.signal!.reason)));
    const late = await transient(hang, { timeoutMs: 50 });
    assert.equal(late.kind, 'timeout');
    assert.match(late.message, /no answer in 0.05 s/);
  });

  it('on the last try (the link cannot be alive any more) what may pass makes the report absent, with why', async () => {
    const r = await readJobReport(URL_, 'job-1', { fetch: answering('', { status: 503 }), lastTry: true });
    assert.deepEqual(r, { kind: 'absent', reason: "the worker's report at https://bucket.example.com/trainlab/ink/s1/job-1/report-ab12.json could not be read (HTTP 503) before its link expired" });
    const gone = await readJobReport(URL_, 'job-1', { fetch: failing(new TypeError('fetch failed', { cause: Object.assign(new Error('getaddrinfo ENOTFOUND'), { code: 'ENOTFOUND' }) })), lastTry: true });
    assert.match((gone as { reason: string }).reason, /could not be read \(ENOTFOUND\) before its link expired$/);
  });

  it('reads a real HTTP answer (chunked, no Content-Length) from a loopback server', async () => {
    const server: Server = createServer((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      const text = JSON.stringify(report);
      res.write(text.slice(0, 10));
      res.end(text.slice(10));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/r.json?sig=x`;
      const r = await readJobReport(url, 'job-1');
      assert.equal(r.kind, 'found');
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });
});
