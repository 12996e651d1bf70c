import { jobReportSchema, type JobReport } from './contract';
import { describeNetworkError, RunPodError } from './errors';

/**
 * Reading a worker's durable JobReport (contract.ts): the one place Trainlab can still learn how
 * a run ended once RunPod has dropped the job (30 minutes after it ends, or at its ttl). The URL
 * is the worker's (a presigned S3 link, or one under a public base URL), so it is fetched with
 * no credentials, and messages name only its host and path: a presigned query is a credential.
 */

/** A report holds the run's whole log; past this it is not read (RunPod's own answers are far smaller). */
export const MAX_REPORT_BYTES = 64 * 1024 * 1024;
export const REPORT_TIMEOUT_MS = 30_000;
/** A presigned S3 link lives at most 7 days (SigV4): a report link is dead that long after the job's ttl. */
export const MAX_REPORT_LINK_MS = 7 * 24 * 3600_000;

export type ReportRead = { kind: 'found'; report: JobReport } | { kind: 'absent'; reason: string };

export interface ReportOptions {
  fetch?: typeof fetch;
  timeoutMs?: number;
  /**
   * The last try: the link cannot work any more (MAX_REPORT_LINK_MS has passed), so a failure
   * that would otherwise be tried again later makes the report absent, with why.
   */
  lastTry?: boolean;
}

/** `https://host/path` of a URL, without its query (a presigned signature) or credentials. */
export function reportPlace(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname}`;
  } catch {
    return 'an unreadable URL';
  }
}

/**
 * The report of job `jobId` at `url`. Absent (with the reason) when the store answers that it is
 * not there or refuses it (404, 403: a presigned link expires after at most 7 days), or when what
 * it holds is not a report of this job. A failure that may pass (network, timeout, 5xx, 429)
 * throws a retryable RunPodError, so the poller tries again later instead of deciding anything
 * — unless it is the `lastTry`: then the report is absent too.
 */
export async function readJobReport(url: string, jobId: string, options: ReportOptions = {}): Promise<ReportRead> {
  const place = reportPlace(url);
  let failure: string | undefined;
  const transient = (kind: 'network' | 'timeout' | 'server', why: string, status?: number) => {
    failure = why;
    return new RunPodError(kind, `The worker's report of job ${jobId} at ${place} could not be read (${why}); Trainlab tries again later.`, { route: 'report', jobId, retryable: true, attempts: 1, ...(status !== undefined ? { status } : {}) });
  };
  try {
    return await read(url, jobId, place, options, transient);
  } catch (e) {
    if (!options.lastTry || failure === undefined) throw e;
    return { kind: 'absent', reason: `the worker's report at ${place} could not be read (${failure}) before its link expired` };
  }
}

type Transient = (kind: 'network' | 'timeout' | 'server', why: string, status?: number) => RunPodError;

async function read(url: string, jobId: string, place: string, options: ReportOptions, transient: Transient): Promise<ReportRead> {
  const fetchImpl = options.fetch ?? fetch;
  let text: string;
  try {
    const res = await fetchImpl(url, { signal: AbortSignal.timeout(options.timeoutMs ?? REPORT_TIMEOUT_MS), redirect: 'follow' });
    if (res.status === 404 || res.status === 403 || res.status === 410) {
      await res.body?.cancel().catch(() => undefined);
      return { kind: 'absent', reason: `the worker's report at ${place} is not there (HTTP ${res.status}): the worker never wrote it, or its link has expired` };
    }
    if (res.status === 429 || res.status >= 500) {
      await res.body?.cancel().catch(() => undefined);
      throw transient('server', `HTTP ${res.status}`, res.status);
    }
    if (!res.ok) {
      await res.body?.cancel().catch(() => undefined);
      return { kind: 'absent', reason: `the store of the worker's report at ${place} answered HTTP ${res.status}` };
    }
    const declared = Number(res.headers.get('content-length'));
    if (Number.isFinite(declared) && declared > MAX_REPORT_BYTES) {
      await res.body?.cancel().catch(() => undefined);
      return { kind: 'absent', reason: `the worker's report at ${place} is ${declared} bytes, over Trainlab's limit of ${MAX_REPORT_BYTES}` };
    }
    const read = await readCapped(res);
    if (read === null) return { kind: 'absent', reason: `the worker's report at ${place} is over Trainlab's limit of ${MAX_REPORT_BYTES} bytes` };
    text = read;
  } catch (e) {
    if (e instanceof RunPodError) throw e;
    const name = e instanceof Error ? e.name : '';
    if (name === 'TimeoutError' || name === 'AbortError') throw transient('timeout', `no answer in ${(options.timeoutMs ?? REPORT_TIMEOUT_MS) / 1000} s`);
    throw transient('network', describeNetworkError(e));
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { kind: 'absent', reason: `the worker's report at ${place} is not JSON` };
  }
  const parsed = jobReportSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return { kind: 'absent', reason: `the worker's report at ${place} does not fit Trainlab's job contract (${issue.path.map(String).join('.') || 'the report'}: ${issue.message})` };
  }
  if (parsed.data.jobId !== jobId) return { kind: 'absent', reason: `the worker's report at ${place} is of job ${parsed.data.jobId}, not ${jobId}` };
  return { kind: 'found', report: parsed.data };
}

/** The body as text, or null once it passes MAX_REPORT_BYTES (a Content-Length may be missing or wrong). */
async function readCapped(res: Response): Promise<string | null> {
  if (!res.body) return '';
  const reader = res.body.getReader();
  const parts: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_REPORT_BYTES) {
      await reader.cancel().catch(() => undefined);
      return null;
    }
    parts.push(value);
  }
  return Buffer.concat(parts).toString('utf8');
}
