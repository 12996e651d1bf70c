import { parseJson, parseYaml } from './parse-text';
import { chooseStyleId, emptyPlan, failedPlan, fallbackDate, makeStyle, makeVersion, redactWithNote, sourcePath } from './plan';
import type { ImportPlan, ImportReader, ReadOptions } from './types';
import { baseName, isObject, parentName, posix, redactSecrets, setIfPresent, shortHash, stem, str, toParameters, type JsonObject } from './values';

/**
 * ostris ai-toolkit job files: `config/*.yaml` (or `.json`),
 * `{ job: extension, config: { name, process: [ { type: sd_trainer, network, save, datasets, train, model, sample } ] }, meta }`.
 * Each training process is one version (trainer `ai-toolkit`). The common settings are lifted
 * into flat parameters so versions compare across trainers; the nested process is kept whole in
 * `imported.aiToolkit`, which is what a relaunch with ai-toolkit needs.
 */

export const AI_TOOLKIT_TOOL = 'ai-toolkit';

const isYaml = (path: string) => /\.ya?ml$/i.test(path);

function parseDoc(path: string, text: string) {
  return isYaml(path) ? parseYaml(path, text) : parseJson(path, text);
}

export function detectAiToolkit(path: string, text: string): boolean {
  if (!/\.(ya?ml|json)$/i.test(path)) return false;
  // A YAML file under config/ is ai-toolkit's by convention; read it even when broken, to say why.
  if (isYaml(path) && parentName(posix(path)) === 'config' && /^\s*job\s*:/m.test(text)) return true;
  const parsed = parseDoc(path, text);
  return parsed.ok && isObject(parsed.value) && typeof parsed.value.job === 'string' && isObject(parsed.value.config);
}

/** `path.to.value` in a nested object, or undefined. */
function at(o: unknown, ...keys: (string | number)[]): unknown {
  let cur: unknown = o;
  for (const k of keys) {
    if (typeof k === 'number') cur = Array.isArray(cur) ? cur[k] : undefined;
    else cur = isObject(cur) && Object.hasOwn(cur, k) ? cur[k] : undefined;
  }
  return cur;
}

/** The flat view of one process, in the names the rest of Trainlab uses (kohya's, where they exist). */
function flatParameters(p: JsonObject): JsonObject {
  const out: JsonObject = {};
  const put = setIfPresent(out);
  put('network_type', at(p, 'network', 'type'));
  put('network_dim', at(p, 'network', 'linear'));
  put('network_alpha', at(p, 'network', 'linear_alpha'));
  put('max_train_steps', at(p, 'train', 'steps'));
  put('learning_rate', at(p, 'train', 'lr'));
  put('train_batch_size', at(p, 'train', 'batch_size'));
  put('gradient_accumulation_steps', at(p, 'train', 'gradient_accumulation_steps'));
  put('optimizer_type', at(p, 'train', 'optimizer'));
  put('save_every_n_steps', at(p, 'save', 'save_every'));
  put('dataset_path', at(p, 'datasets', 0, 'folder_path'));
  put('resolution', at(p, 'datasets', 0, 'resolution'));
  put('caption_extension', at(p, 'datasets', 0, 'caption_ext'));
  put('pretrained_model_name_or_path', at(p, 'model', 'name_or_path'));
  put('class_tokens', p.trigger_word);
  return out;
}

export function readAiToolkit(path: string, text: string, options: ReadOptions = {}): ImportPlan {
  const source = sourcePath(path);
  const parsed = parseDoc(source, text);
  if (!parsed.ok) return failedPlan(AI_TOOLKIT_TOOL, { ...parsed.problem, path: source });
  const doc = parsed.value;
  if (!isObject(doc) || !isObject(doc.config)) return failedPlan(AI_TOOLKIT_TOOL, { path: source, message: 'an ai-toolkit job needs a "config" section' });
  const processes = doc.config.process;
  if (!Array.isArray(processes)) return failedPlan(AI_TOOLKIT_TOOL, { path: source, message: 'an ai-toolkit job needs "config.process" to be a list' });
  if (doc.job !== 'extension') {
    return failedPlan(AI_TOOLKIT_TOOL, { path: source, message: `this ai-toolkit job is "${String(doc.job)}", not a training job ("extension")` });
  }

  const plan = emptyPlan(AI_TOOLKIT_TOOL);
  const jobName = str(doc.config.name);
  const styleId = chooseStyleId(plan, source, options, jobName, { text: stem(source), why: 'the job has no config.name' });
  const createdAt = fallbackDate(plan, source, options);
  const trainers = processes.map((p, i) => ({ p, i })).filter(({ p }) => isObject(p) && /trainer|slider/i.test(String(p.type ?? '')));
  if (!trainers.length) return { ...plan, problems: [{ path: source, message: 'the job has no training process (a process of type "sd_trainer")' }] };
  let trigger = '';

  for (const { p, i } of trainers) {
    const proc = redactWithNote(plan, source, p);
    const parameters = flatParameters(proc);
    trigger ||= str(parameters.class_tokens) ?? '';
    const name = trainers.length > 1 ? `${jobName ?? stem(source)}-${i + 1}` : (jobName ?? stem(source));
    // No date or id in the file: the job name, the process' place and its content are its identity.
    const sourceKey = `${AI_TOOLKIT_TOOL}:${styleId}:${jobName ?? baseName(source)}:${i}:${shortHash(proc)}`;
    plan.versions.push(
      makeVersion({
        styleId,
        sourceKey,
        name,
        createdAt,
        source,
        parameters: toParameters(parameters),
        notes: `Imported from ai-toolkit: ${source}`,
        imported: { aiToolkit: { job: doc.job, name: doc.config.name ?? null, processIndex: i, process: proc, meta: redactSecrets(doc.meta ?? null) } },
      }),
    );
  }
  plan.styles.push(makeStyle({ id: styleId, name: jobName ?? styleId, triggerToken: trigger, trainer: 'ai-toolkit', createdAt }));
  return plan;
}

export const aiToolkitReader: ImportReader = { tool: AI_TOOLKIT_TOOL, detect: detectAiToolkit, read: readAiToolkit };
