"""kohya sd-scripts on this worker: its command line and reading what it prints.

The command mirrors Trainlab's local kohya profile (src/core/trainers/kohya.ts), so a version
trains the same here as on the user's machine: every parameter is `--name value` under
sd-scripts' own argument names, the dataset is described by a generated dataset config (one
subset, the downloaded folder as is, `class_tokens` defaulting to the trigger token), state
folders are always saved (`--save_state`) because resuming needs them, and a resume adds
`--resume=<state folder>`. Keep the two in step.
"""

import codecs
import json
import re

ARG_KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]*$")
NUMERIC = re.compile(r"^[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$")
SCRIPT_NAME = re.compile(r"^[A-Za-z0-9_]+$")

# Parameters that are not sd-scripts arguments, or that the worker sets itself (kohya.ts
# KOHYA_RESERVED, plus the dataset options the generated config replaces).
RESERVED = {"script", "num_repeats", "class_tokens", "output_dir", "output_name", "save_state", "resume", "train_data_dir", "dataset_config"}
# Trainlab's test stand-in reads these; they are never sd-scripts arguments.
KNOB_PREFIX = "standin_"


class CommandError(ValueError):
    """The parameters cannot make a valid command; the message names the parameter."""


def arg_value(value):
    """A parameter value as one argv element, printed as Trainlab prints it (JavaScript's String())."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (int, float)):
        return repr(value)
    return json.dumps(value)


def param_args(params, skip):
    """`--key value` per parameter: None, '' and False left out, True a bare flag, a list as
    `--key v1 v2`, a text starting with '-' (not a number) as `--key=value` so argparse cannot
    take it for an option. Values are never split or quoted: each is one argv element."""
    argv = []
    for key, value in params.items():
        if key in skip or key.startswith(KNOB_PREFIX) or value is None or value == "" or value is False:
            continue
        if not ARG_KEY.match(key):
            raise CommandError(f'parameter "{key}": not usable as a command-line option name')
        if isinstance(value, float) and (value != value or value in (float("inf"), float("-inf"))):
            raise CommandError(f"{key}: must be a finite number")
        flag = f"--{key}"
        if value is True:
            argv.append(flag)
        elif isinstance(value, list):
            if value:
                argv += [flag, *(arg_value(v) for v in value)]
        else:
            text = arg_value(value)
            argv += [f"{flag}={text}"] if text.startswith("-") and not NUMERIC.match(text) else [flag, text]
    return argv


def safe_name(text):
    name = re.sub(r"^[._-]+", "", re.sub(r"[^A-Za-z0-9._-]+", "_", text))[:100]
    return name or "model"


def output_name(job):
    """`parameters.output_name`, else the style id (what Trainlab names local runs' files after)."""
    given = job["parameters"].get("output_name")
    return given.strip() if isinstance(given, str) and given.strip() else safe_name(job["style"]["id"])


def script_of(params):
    raw = params.get("script") or "train_network"
    return str(raw).strip().removesuffix(".py")


def default_network_module(script):
    if script.startswith("flux"):
        return "networks.lora_flux"
    if script.startswith("sd3"):
        return "networks.lora_sd3"
    if script.startswith("lumina"):
        return "networks.lora_lumina"
    return "networks.lora"


def toml_string(text):
    out = ['"']
    for ch in text:
        c = ord(ch)
        if ch in ('"', "\\"):
            out.append("\\" + ch)
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\r":
            out.append("\\r")
        elif ch == "\t":
            out.append("\\t")
        elif c < 0x20 or c == 0x7F:
            out.append(f"\\u{c:04X}")
        else:
            out.append(ch)
    return "".join(out) + '"'


def dataset_toml(job, image_dir):
    params = job["parameters"]
    repeats = params.get("num_repeats", 1)
    if repeats in (None, ""):
        repeats = 1
    if isinstance(repeats, bool) or not isinstance(repeats, (int, float)) or repeats < 1 or int(repeats) != repeats:
        raise CommandError("num_repeats: must be a whole number of at least 1")
    class_tokens = params.get("class_tokens") if isinstance(params.get("class_tokens"), str) and params["class_tokens"].strip() else job["triggerToken"]
    lines = [
        f"# Written by the Trainlab worker for session {job['session']['id']}; sd-scripts reads it with --dataset_config.",
        "[[datasets]]",
        "",
        "  [[datasets.subsets]]",
        f"  image_dir = {toml_string(str(image_dir))}",
        f"  num_repeats = {int(repeats)}",
    ]
    if class_tokens.strip():
        lines.append(f"  class_tokens = {toml_string(class_tokens)}")
    return "\n".join(lines) + "\n"


def build_command(job, *, sd_scripts_dir, accelerate, python, image_dir, output_dir, config_path, resume_dir):
    """The argv (never a shell string) and the dataset config text for a job."""
    params = job["parameters"]
    script = script_of(params)
    if not SCRIPT_NAME.match(script):
        raise CommandError(f'script: "{params.get("script")}" is not a script of sd-scripts (train_network, sdxl_train_network, flux_train_network)')
    if not isinstance(params.get("pretrained_model_name_or_path"), str) or not params["pretrained_model_name_or_path"].strip():
        raise CommandError("pretrained_model_name_or_path: the base model (a path on the worker or a Hugging Face id) is required")
    script_path = f"{sd_scripts_dir}/{script}.py"
    head = [accelerate, "launch", "--num_cpu_threads_per_process", "1", script_path] if accelerate else [python, script_path]
    args = ["--output_dir", str(output_dir), "--output_name", output_name(job), "--save_state"]
    if not params.get("network_module"):
        args += ["--network_module", default_network_module(script)]
    args += ["--dataset_config", str(config_path)]
    args += param_args(params, RESERVED)
    if resume_dir is not None:
        args.append(f"--resume={resume_dir}")
    return head + args, dataset_toml(job, image_dir)


# --------------------------------------------------------------------------------------------
# Reading the output

BAR = re.compile(r"^\s*steps:\s*\d+%\|.*?\|\s*(\d+)/(\d+)\s*\[([^\]]*)\]")
LOSS = re.compile(r"\b(?:avr_loss|loss)=([-+0-9.eE]+|nan)")
ERROR_LINE = re.compile(r"^(?:\[rank\d+\]: )?(?:[A-Za-z_]\w*\.)*\w*(?:Error|Exception)(?::|$)")


def parse_bar(text):
    """kohya's tqdm training bar → (n, total, loss or None); None for any other text."""
    m = BAR.match(text)
    if not m:
        return None
    loss_match = LOSS.search(m.group(3))
    loss = float(loss_match.group(1)) if loss_match else None
    if loss is not None and loss != loss:  # nan
        loss = None
    return int(m.group(1)), int(m.group(2)), loss


def is_error_line(line):
    """A line that looks like the cause of a failure (as Trainlab's log parser judges)."""
    if "Traceback (most recent call last):" in line or "CUDA out of memory" in line:
        return True
    return bool(line[:1].strip()) and "CalledProcessError" not in line and bool(ERROR_LINE.match(line))


class OutputLines:
    """The trainer's output as log lines. A line is complete at `\\n`; tqdm rewrites its bar with
    `\\r`, so between `\\n`s only the newest bar matters: `take()` adds it once as the last line
    when it changed, so a reader sees the bar move without every redraw."""

    def __init__(self, on_segment):
        self.on_segment = on_segment
        # Incremental, so a character split between two reads is decoded whole.
        self.decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        self.tail = ""
        self.rewritten = None
        self.last_taken_bar = None
        self.lines = []

    def push(self, data):
        text = self.tail + self.decoder.decode(data)
        start = 0
        for m in re.finditer(r"[\r\n]", text):
            self._segment(text[start:m.start()], m.group() == "\r")
            start = m.end()
        self.tail = text[start:]

    def take(self):
        out, self.lines = self.lines, []
        bar = self.tail if self.tail.strip() else self.rewritten
        self.rewritten = None
        if bar is not None and bar != self.last_taken_bar:
            out.append(bar.rstrip())
            self.last_taken_bar = bar
        return out

    def end(self):
        self.tail += self.decoder.decode(b"", final=True)
        if self.tail:
            self._segment(self.tail, False)
            self.tail = ""
        return self.take()

    def _segment(self, text, is_rewrite):
        if text.strip():
            self.on_segment(text)
        if is_rewrite:
            if text.strip():
                self.rewritten = text
            return
        line = self.rewritten if text == "" else text
        self.rewritten = None
        if line is None or not line.strip():
            return
        self.lines.append(line.rstrip())
        self.last_taken_bar = None
