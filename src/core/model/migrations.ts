import { SCHEMA_VERSION, type FileKind } from './schemas';

/**
 * Upgrades a file's raw JSON to the current schema version before it is validated.
 * A migrated file is not written on read (reading never writes); the next write of that
 * file stores the upgraded shape.
 *
 * v0 is what people had before Trainlab versioned its files (and what the seed tools wrote):
 * no `schemaVersion`, `status: "training"` for running, `timestamp` instead of `createdAt`,
 * `loraUrl` instead of `modelUrl`.
 */
export type MigrationResult =
  | { ok: true; value: unknown; migratedFrom: number | null }
  | { ok: false; message: string };

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function statusV0(status: unknown): unknown {
  return status === 'training' ? 'running' : status;
}

function versionV0(v: unknown): unknown {
  if (!isObject(v)) return v;
  const out: Json = { ...v };
  if (out.createdAt === undefined && typeof out.timestamp === 'string') {
    out.createdAt = out.timestamp;
    delete out.timestamp;
  }
  if (out.modelUrl === undefined && typeof out.loraUrl === 'string') {
    out.modelUrl = out.loraUrl;
    delete out.loraUrl;
  }
  out.status = statusV0(out.status);
  return out;
}

const V0_TO_V1: Record<FileKind, (raw: Json) => Json> = {
  style: (raw) => ({ ...raw }),
  versions: (raw) => ({ ...raw, versions: Array.isArray(raw.versions) ? raw.versions.map(versionV0) : raw.versions }),
  session: (raw) => ({ ...raw, status: statusV0(raw.status) }),
  runner: (raw) => ({ ...raw }),
  trainer: (raw) => ({ ...raw }),
};

export function migrate(kind: FileKind, raw: unknown): MigrationResult {
  if (!isObject(raw)) return { ok: false, message: 'the file must hold a JSON object' };
  const declared = raw.schemaVersion;
  if (declared === undefined) {
    return { ok: true, value: { ...V0_TO_V1[kind](raw), schemaVersion: SCHEMA_VERSION }, migratedFrom: 0 };
  }
  if (typeof declared !== 'number' || !Number.isInteger(declared) || declared < 0) {
    return { ok: false, message: `"schemaVersion" must be a whole number, found ${JSON.stringify(declared)}` };
  }
  if (declared > SCHEMA_VERSION) {
    return { ok: false, message: `written by a newer Trainlab (schemaVersion ${declared}; this one reads up to ${SCHEMA_VERSION}); left untouched` };
  }
  if (declared === 0) return { ok: true, value: { ...V0_TO_V1[kind](raw), schemaVersion: SCHEMA_VERSION }, migratedFrom: 0 };
  return { ok: true, value: raw, migratedFrom: null };
}
