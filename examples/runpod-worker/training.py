"""One kohya run for one job: the process, its log, progress updates and checkpoint uploads."""

from __future__ import annotations

import asyncio
import json
import os
import re
import signal
import time
from pathlib import Path

import runpod

from kohya import OutputLines, build_command, is_error_line, output_name, parse_bar
from storage import Uploads

SD_SCRIPTS_DIR = os.environ.get("TRAINLAB_SD_SCRIPTS_DIR", "/opt/sd-scripts")
# Empty: run the script with plain python (no accelerate), as Trainlab does locally without it.
ACCELERATE = os.environ.get("TRAINLAB_ACCELERATE", "accelerate")
PYTHON = os.environ.get("TRAINLAB_PYTHON", "python")
# A stream chunk at most this often: each yield is one HTTP call to RunPod.
STREAM_SECONDS = float(os.environ.get("TRAINLAB_STREAM_SECONDS", "5"))
# A progress update at most this often (and at once when a checkpoint is uploaded).
PROGRESS_SECONDS = float(os.environ.get("TRAINLAB_PROGRESS_SECONDS", "10"))
# The aggregated output repeats every chunk (return_aggregate_stream): cap the log it carries.
MAX_STREAM_LINES = int(os.environ.get("TRAINLAB_MAX_STREAM_LINES", "20000"))
TAIL_LINES = 40
STOP_GRACE_SECONDS = 10
STEP_IN_NAME = re.compile(r"-step(\d+)-state$")


class Resume:
    """The state folder a job continues from, and the absolute step it holds."""

    def __init__(self, ref, folder, step):
        self.ref, self.folder, self.step = ref, folder, step


def _json_int(path, key):
    try:
        value = json.loads(path.read_text()).get(key)
    except (OSError, ValueError, AttributeError):
        return None
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None


def resume_step(folder, given):
    """The absolute step of a downloaded state: what this worker wrote into it (trainlab.json),
    else what Trainlab sent (resume.step), else kohya's own train_state.json."""
    for value in (_json_int(folder / "trainlab.json", "step"), given, _json_int(folder / "train_state.json", "current_step")):
        if value is not None:
            return value
    return 0


class Training:
    def __init__(self, job, trainlab, uploads: Uploads, work: Path, image_dir: Path, resume: Resume | None, report=None):
        self.job, self.trainlab, self.uploads, self.resume, self.report = job, trainlab, uploads, resume, report
        self.output_dir = work / "output"
        self.output_dir.mkdir(parents=True, exist_ok=True)
        config = work / "dataset.toml"
        self.argv, config_text = build_command(
            trainlab, sd_scripts_dir=SD_SCRIPTS_DIR, accelerate=ACCELERATE, python=PYTHON, image_dir=image_dir,
            output_dir=self.output_dir, config_path=config, resume_dir=resume.folder if resume else None,
        )
        config.write_text(config_text, encoding="utf-8")
        self.name = output_name(trainlab)
        self.proc = None
        self.lines = OutputLines(self._on_segment)
        self.notes, self.tail = [], []
        self.streamed = 0
        self.last_error = None
        # Steps: kohya's bar may count from the resume point (Trainlab's kohya profile says it
        # does); decided on the first bar, see _counts_from_resume.
        self.base = resume.step if resume else 0
        self.from_resume = None
        self.bar_n, self.step, self.total, self.loss, self.best = 0, None, None, None, None
        self.last_progress = 0.0
        # Until this run uploads a state, the one it resumed from is the newest to resume from.
        self.checkpoint = {"ref": resume.ref, "step": resume.step} if resume else None
        self.seen, self.handled, self.uploads_running = {}, set(), set()

    async def start(self):
        env = {**os.environ, "PYTHONUNBUFFERED": "1", "PYTHONIOENCODING": "utf-8"}
        # Its own process group, so stop() ends accelerate and the training process it starts.
        self.proc = await asyncio.create_subprocess_exec(
            *self.argv, cwd=SD_SCRIPTS_DIR, env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT, start_new_session=True,
        )

    async def output(self):
        """Batches of log lines until the trainer exits; raises RuntimeError when it failed."""
        last_flush = time.monotonic()
        while True:
            try:
                data = await asyncio.wait_for(self.proc.stdout.read(1 << 16), timeout=1.0)
            except asyncio.TimeoutError:
                data = None  # nothing printed for a second: still look at states and progress
            if data == b"":
                break
            if data:
                self.lines.push(data)
            self._scan_states(exited=False)
            self._send_progress()
            if time.monotonic() - last_flush >= STREAM_SECONDS:
                last_flush = time.monotonic()
                batch = self._batch(self.lines.take())
                if batch:
                    yield batch
        code = await self.proc.wait()
        batch = self._batch(self.lines.end())
        if batch:
            yield batch
        if code != 0:
            script = next((Path(a).name for a in self.argv if a.endswith(".py")), "the trainer")
            err = RuntimeError(f"{script} exited with status {code}: {self.last_error or (self.tail[-1] if self.tail else 'no output')}")
            err.log_tail = "\n".join(self.tail)
            raise err

    async def finish(self):
        """After a clean exit: the last states, the model and samples uploaded; the JobOutput."""
        self._scan_states(exited=True)
        while self.uploads_running:
            await asyncio.gather(*list(self.uploads_running))
        models = sorted(p for p in self.output_dir.glob(f"{self.name}.*") if p.suffix in (".safetensors", ".ckpt", ".pt"))
        if not models:
            raise RuntimeError(f"the trainer exited 0 but wrote no {self.name}.safetensors in its output folder")
        model_url = await asyncio.to_thread(self.uploads.upload_file, models[0], models[0].name)
        samples = [await asyncio.to_thread(self.uploads.upload_file, p, f"sample/{p.name}") for p in sorted((self.output_dir / "sample").glob("*.png"))]
        self.notes.append(f"trainlab worker: model uploaded ({models[0].name}), {len(samples)} samples")
        best_loss, best_step = self.best if self.best else (None, None)
        steps = max(self.step or 0, self.checkpoint["step"] if self.checkpoint else 0)
        return {
            "model": model_url,
            "samples": samples,
            "metrics": {"finalLoss": self.loss, "bestLoss": best_loss, "bestStep": best_step, "steps": steps},
            "checkpoint": self.checkpoint,
        }

    def take_notes(self):
        notes, self.notes = self.notes, []
        return notes

    async def stop(self):
        """Ends the trainer if it still runs (cancel, timeout, a failure elsewhere)."""
        if not self.proc or self.proc.returncode is not None:
            return
        for sig, wait in ((signal.SIGTERM, STOP_GRACE_SECONDS), (signal.SIGKILL, None)):
            try:
                os.killpg(self.proc.pid, sig)
            except ProcessLookupError:
                return
            if wait is None:
                await self.proc.wait()
                return
            try:
                await asyncio.wait_for(self.proc.wait(), wait)
                return
            except asyncio.TimeoutError:
                pass

    # ----------------------------------------------------------------------------------------

    def _on_segment(self, text):
        if is_error_line(text):
            self.last_error = text.strip()
        bar = parse_bar(text)
        if not bar:
            return
        n, total, loss = bar
        if self.from_resume is None:
            self.from_resume = self._counts_from_resume(total)
        self.bar_n = n
        offset = self.base if self.from_resume else 0
        self.step, self.total = offset + n, offset + total
        if loss is not None:
            self.loss = loss
            if self.best is None or loss < self.best[0]:
                self.best = (loss, self.step)

    def _counts_from_resume(self, bar_total):
        """After a resume, does kohya's bar (and its state steps) count from the resume point?
        Trainlab's kohya profile says so; a bar whose total is the whole max_train_steps counts
        from 0 instead (sd-scripts versions that restore the step)."""
        if self.base == 0:
            return False
        max_steps = self.trainlab["parameters"].get("max_train_steps")
        return not (isinstance(max_steps, int) and bar_total == max_steps)

    def _batch(self, lines):
        self.tail = (self.tail + lines)[-TAIL_LINES:]
        lines = self.take_notes() + lines
        room = MAX_STREAM_LINES - self.streamed
        if len(lines) > room:
            lines = lines[:max(0, room)] + ([f"trainlab worker: log capped at {MAX_STREAM_LINES} lines; the rest is in the worker's own log"] if room >= 0 else [])
        self.streamed += len(lines)
        return lines

    def progress(self):
        """The progress update (contract.ts ProgressUpdate), naming the job report when there is one;
        None before the trainer has shown a step."""
        if self.step is None:
            return None
        update = {"step": self.step, "total": self.total, "loss": self.loss, "checkpoint": self.checkpoint}
        if self.report:
            update["report"] = self.report.url
        return update

    def _send_progress(self, force=False):
        now = time.monotonic()
        if self.step is None or (not force and now - self.last_progress < PROGRESS_SECONDS):
            return
        self.last_progress = now
        runpod.serverless.progress_update(self.job, self.progress())

    def _scan_states(self, exited):
        """A state folder is complete once training has moved past the step it was seen at
        (kohya saves in the training loop) or the trainer has exited; then it is uploaded."""
        for folder in self.output_dir.glob("*-state"):
            if folder.name in self.handled or not folder.is_dir():
                continue
            self.seen.setdefault(folder.name, self.bar_n)
            if (exited or self.bar_n > self.seen[folder.name]) and (folder / "train_state.json").exists():
                self.handled.add(folder.name)
                task = asyncio.ensure_future(self._publish(folder, self._state_step(folder)))
                self.uploads_running.add(task)
                task.add_done_callback(self.uploads_running.discard)

    def _state_step(self, folder):
        offset = self.base if self.from_resume else 0
        current = _json_int(folder / "train_state.json", "current_step")
        if current is not None:
            return offset + current
        m = STEP_IN_NAME.search(folder.name)
        return offset + int(m.group(1)) if m else (self.step or 0)

    async def _publish(self, folder, step):
        try:
            # The absolute step goes with the state, for the job that resumes from it.
            (folder / "trainlab.json").write_text(json.dumps({"step": step, "job": self.job["id"]}))
            ref = await asyncio.to_thread(self.uploads.upload_folder, folder, folder.name)
        except Exception as err:  # a failed upload costs a checkpoint, not the run
            self.notes.append(f"trainlab worker: could not upload {folder.name}: {err}")
            return
        self.notes.append(f"trainlab worker: checkpoint at step {step} uploaded: {ref}")
        if self.checkpoint is None or step >= self.checkpoint["step"]:
            self.checkpoint = {"ref": ref, "step": step}
            self._send_progress(force=True)
            if self.report:
                self.report.touch(force=True)
