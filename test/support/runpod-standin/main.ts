// Runs the stand-in RunPod endpoint as its own process, for a person trying Trainlab without
// RunPod or for a test that needs it in another process:
//   node --import tsx test/support/runpod-standin/main.ts [--port N] [--api-key K] [--endpoint E] [--queue-ms N] …
// It prints one JSON line {"baseUrl","endpointId","apiKey"} on stdout once it listens, then
// serves until SIGTERM or SIGINT.
import { parseArgs } from 'node:util';
import { startStandIn } from './index';
import type { StandInOptions } from './types';

const USAGE = `options: --port N --api-key K --endpoint E --queue-ms N --max-workers N --retention-ms N
  --execution-timeout-ms N --ttl-ms N --stream-batch-ms N --demo-trainer PATH
  --stream-shape sdk|bare --progress-style contract|fraction-string|percent --final-output object|aggregate`;

function whole(name: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text)) throw new Error(`--${name} must be a whole number, got "${text}"`);
  return Number(text);
}

function oneOf<T extends string>(name: string, text: string | undefined, values: readonly T[]): T | undefined {
  if (text === undefined) return undefined;
  if (!(values as readonly string[]).includes(text)) throw new Error(`--${name} must be one of ${values.join(', ')}, got "${text}"`);
  return text as T;
}

function options(argv: string[]): StandInOptions {
  const names = ['port', 'api-key', 'endpoint', 'queue-ms', 'max-workers', 'retention-ms', 'execution-timeout-ms', 'ttl-ms', 'stream-batch-ms', 'demo-trainer', 'stream-shape', 'progress-style', 'final-output'] as const;
  const { values: v } = parseArgs({ args: argv, options: Object.fromEntries(names.map((n) => [n, { type: 'string' }])) as Record<(typeof names)[number], { type: 'string' }>, strict: true });
  const all: StandInOptions = {
    port: whole('port', v.port),
    apiKey: v['api-key'],
    endpointId: v.endpoint,
    queueMs: whole('queue-ms', v['queue-ms']),
    maxWorkers: whole('max-workers', v['max-workers']),
    retentionMs: whole('retention-ms', v['retention-ms']),
    executionTimeoutMs: whole('execution-timeout-ms', v['execution-timeout-ms']),
    ttlMs: whole('ttl-ms', v['ttl-ms']),
    streamBatchMs: whole('stream-batch-ms', v['stream-batch-ms']),
    demoTrainerPath: v['demo-trainer'],
    streamShape: oneOf('stream-shape', v['stream-shape'], ['sdk', 'bare'] as const),
    progressStyle: oneOf('progress-style', v['progress-style'], ['contract', 'fraction-string', 'percent'] as const),
    finalOutput: oneOf('final-output', v['final-output'], ['object', 'aggregate'] as const),
  };
  // Unset options keep their defaults.
  return Object.fromEntries(Object.entries(all).filter(([, value]) => value !== undefined)) as StandInOptions;
}

async function main(): Promise<void> {
  let opts: StandInOptions;
  try {
    opts = options(process.argv.slice(2));
  } catch (e) {
    process.stderr.write(`runpod-standin: ${(e as Error).message}\n${USAGE}\n`);
    process.exitCode = 2;
    return;
  }
  const standIn = await startStandIn(opts);
  process.stdout.write(`${JSON.stringify({ baseUrl: standIn.baseUrl, endpointId: standIn.endpointId, apiKey: standIn.apiKey })}\n`);
  let closing = false;
  const stop = () => {
    if (closing) return;
    closing = true;
    void standIn.close().then(() => process.exit(0));
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

void main().catch((e: unknown) => {
  process.stderr.write(`runpod-standin: ${(e as Error).message}\n`);
  process.exit(1);
});
