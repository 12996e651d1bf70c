import { count, isObject, num, setKey, str, type JsonObject } from './values';

/**
 * kohya_ss GUI field names → kohya sd-scripts argument names (the kohya trainer's parameter
 * names). The GUI saves its form as flat JSON and passes sd-scripts a TOML built from it
 * (kohya_gui/lora_gui.py); this follows that translation for the fields that differ.
 */

/** Fields that exist only in the GUI (accelerate launch options, form switches, LyCORIS sub-fields…). */
const GUI_ONLY = new Set([
  'LoRA_type', 'LyCORIS_preset', 'model_list', 'sdxl', 'sdxl_checkbox', 'flux1_checkbox', 'sd3_checkbox', 'save_as_bool',
  'lr_warmup', 'stop_text_encoder_training', 'additional_parameters', 'extra_accelerate_launch_args', 'gpu_ids',
  'multi_gpu', 'num_processes', 'num_machines', 'num_cpu_threads_per_process', 'main_process_port', 'dynamo_backend',
  'dynamo_mode', 'dynamo_use_dynamic', 'dynamo_use_fullgraph', 'conv_dim', 'conv_alpha', 'unit', 'factor', 'use_cp',
  'use_scalar', 'use_tucker', 'decompose_both', 'rank_dropout', 'rank_dropout_scale', 'module_dropout', 'train_norm',
  'constrain', 'rescaled', 'bypass_mode', 'dora_wd', 'train_on_input', 'block_dims', 'block_alphas', 'conv_block_dims',
  'conv_block_alphas', 'down_lr_weight', 'mid_lr_weight', 'up_lr_weight', 'block_lr_zero_threshold', 'noise_offset_type',
  'sdxl_cache_text_encoder_outputs', 'sdxl_no_half_vae', 'flux1_cache_text_encoder_outputs',
  'flux1_cache_text_encoder_outputs_to_disk', 'train_blocks', 'async_upload', 'huggingface_repo_id',
  'huggingface_token', 'huggingface_repo_type', 'huggingface_repo_visibility', 'huggingface_path_in_repo',
  'save_state_to_huggingface', 'resume_from_huggingface', 'wandb_api_key', 'use_shell', 'dim_from_weights',
  'max_resolution', 'optimizer', 'epoch', 'xformers',
]);

/**
 * Numbers the GUI form holds as 0 for "off" and leaves out of the sd-scripts config when 0
 * (lora_gui.py: `x if x != 0 else None`). Passed on as 0 they would mean something else, or
 * nothing valid (`--save_every_n_steps 0`).
 */
const ZERO_IS_UNSET = new Set([
  'save_every_n_steps', 'save_every_n_epochs', 'save_last_n_steps', 'save_last_n_steps_state', 'save_last_n_epochs',
  'save_last_n_epochs_state', 'sample_every_n_steps', 'sample_every_n_epochs', 'max_train_steps', 'max_train_epochs',
  'seed', 'min_snr_gamma', 'noise_offset', 'ip_noise_gamma', 'loraplus_lr_ratio', 'loraplus_unet_lr_ratio',
  'loraplus_text_encoder_lr_ratio', 'max_timestep', 'min_timestep', 'vae_batch_size', 'v_pred_like_loss', 'unet_lr',
  'text_encoder_lr', 'adaptive_noise_scale', 'multires_noise_iterations', 'scale_weight_norms',
]);

/** LoRA_type → network_module, as the GUI chooses it. */
const NETWORK_MODULES: Record<string, string> = {
  Standard: 'networks.lora',
  'Kohya LoCon': 'networks.lora',
  'Kohya DyLoRA': 'networks.dylora',
  'LoRA-FA': 'networks.lora_fa',
  Flux1: 'networks.lora_flux',
  'Flux1 OFT': 'networks.oft_flux',
  SD3: 'networks.lora_sd3',
};

export interface KohyaParameters {
  parameters: JsonObject;
  /** GUI-only fields, renamed fields under their GUI names, and empty values: kept, not passed to sd-scripts. */
  gui: JsonObject;
}

/**
 * sd-scripts reads a config file by flattening its tables (`[training_arguments]` …) into one
 * set of arguments; do the same so sectioned TOMLs (Colab notebooks) read like the GUI's flat one.
 */
export function flattenSections(raw: JsonObject): JsonObject {
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(raw)) {
    if (isObject(v)) for (const [k2, v2] of Object.entries(v)) setKey(out, k2, v2);
    else setKey(out, k, v);
  }
  return out;
}

/**
 * `form`: the GUI's own JSON (its zeros mean "off"); otherwise an sd-scripts TOML, taken as
 * written (it is what ran).
 */
export function normalizeKohya(input: JsonObject, form: boolean): KohyaParameters {
  const raw = flattenSections(input);
  const parameters: JsonObject = {};
  const gui: JsonObject = {};
  for (const [k, v] of Object.entries(raw)) {
    // An empty text field is "not set" in the GUI; passing `--vae ""` would be wrong.
    const unset = v === '' || v === null || (form && v === 0 && ZERO_IS_UNSET.has(k));
    if (GUI_ONLY.has(k) || unset) setKey(gui, k, v);
    else setKey(parameters, k, v);
  }

  const has = (k: string) => parameters[k] !== undefined && parameters[k] !== 0;
  if (!has('optimizer_type') && str(raw.optimizer)) parameters.optimizer_type = str(raw.optimizer);
  if (!has('resolution') && str(raw.max_resolution)) parameters.resolution = str(raw.max_resolution);
  // The GUI's "Epoch" field is sd-scripts' --max_train_epochs; a non-zero max_train_epochs wins.
  if (!has('max_train_epochs') && count(raw.epoch)) parameters.max_train_epochs = count(raw.epoch);
  if (raw.xformers === 'sdpa' && parameters.sdpa === undefined) parameters.sdpa = true;
  if ((raw.xformers === 'xformers' || raw.xformers === true) && parameters.xformers === undefined) parameters.xformers = true;
  const loraType = str(raw.LoRA_type);
  if (!has('network_module') && loraType) {
    const module = Object.hasOwn(NETWORK_MODULES, loraType) ? NETWORK_MODULES[loraType] : /^(LyCORIS|LoCon)/.test(loraType) ? 'lycoris.kohya' : undefined;
    if (module) parameters.network_module = module;
  }
  if (raw.flux1_checkbox === true) {
    if (raw.flux1_cache_text_encoder_outputs === true) parameters.cache_text_encoder_outputs ??= true;
    if (raw.flux1_cache_text_encoder_outputs_to_disk === true) parameters.cache_text_encoder_outputs_to_disk ??= true;
    parameters.script ??= 'flux_train_network';
  } else if (raw.sdxl === true || raw.sdxl_checkbox === true) {
    if (raw.sdxl_no_half_vae === true) parameters.no_half_vae ??= true;
    parameters.script ??= 'sdxl_train_network';
  }
  // "LR warmup (% of total steps)": the GUI turns it into steps the same way.
  const warmupPct = num(raw.lr_warmup);
  const steps = count(parameters.max_train_steps);
  if (parameters.lr_warmup_steps === undefined && warmupPct && steps) parameters.lr_warmup_steps = Math.round((warmupPct * steps) / 100);
  return { parameters, gui };
}
