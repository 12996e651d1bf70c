"""Trainlab's RunPod Serverless worker: trains a LoRA with kohya sd-scripts for a Trainlab job.

The handler is an async generator started with `return_aggregate_stream`, because that is how
runpod-python lets one job both stream and return (see README.md, "How results reach Trainlab"):
- every yield is one stream chunk `{"seq": n, "lines": [...]}` (seq from 1), read from /stream;
  the first chunk after a checkpoint upload also carries `"checkpoint": {ref, step}`, so a job
  that fails while nobody polls still tells Trainlab where to resume from;
- progress goes through `runpod.serverless.progress_update(job, {step, total, loss, checkpoint})`,
  shown as `output` of the IN_PROGRESS status;
- the last yield is `{"result": JobOutput}`; RunPod's final `output` is the list of every yield,
  and Trainlab takes the `result` of its last element;
- the first chunk also names the run's durable report (`"report": url`, see report.py), which
  Trainlab reads once RunPod has forgotten the job; progress updates name it too;
- a failure is yielded as `{"error": "<JSON string>"}` with the fields RunPod gives a handler
  exception (error_type, error_message, error_traceback, hostname, worker_id, runpod_version):
  runpod-python turns a yielded dict with an `error` key into a FAILED job with that error.
"""

import asyncio
import os
import shlex
import shutil
import tempfile
from pathlib import Path

import runpod

from contract import InputError, error_info, parse_job_input
from report import JobReport
from storage import Uploads, fetch_folder, fetch_state
from training import Resume, Training, resume_step

RUNPOD_VERSION = getattr(runpod, "__version__", "unknown")
# Scratch space; a network volume mounted at /runpod-volume is bigger than the container disk.
WORK_ROOT = os.environ.get("TRAINLAB_WORK_DIR") or None
IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".webp", ".bmp"}


async def handler(job):
    seq = 0
    named = None  # the checkpoint ref a chunk last carried

    def chunk(lines):
        nonlocal seq, named
        seq += 1
        out = {"seq": seq, "lines": lines}
        checkpoint = run.checkpoint if run else None
        if checkpoint and checkpoint["ref"] != named:
            out["checkpoint"] = checkpoint
            named = checkpoint["ref"]
        if report and report.problem:
            out["lines"] = [*lines, report.problem]
            report.problem = None
        return report.add_chunk(out) if report else out

    work = None
    run = None
    report = None

    async def clean_up():
        if run:
            await run.stop()
        if work:
            shutil.rmtree(work, ignore_errors=True)

    try:
        trainlab = parse_job_input(job.get("input"))
        if trainlab["trainer"] != "kohya":
            raise InputError(f'input.trainlab.trainer: this worker runs kohya sd-scripts, not "{trainlab["trainer"]}"')
        uploads = Uploads.for_job(job["id"], trainlab)
        report = JobReport(uploads, job["id"])
        work = Path(tempfile.mkdtemp(prefix="trainlab-", dir=WORK_ROOT))
        session = trainlab["session"]
        yield chunk([f"trainlab worker: job {job['id']}, {trainlab['style']['name']} / {trainlab['version']['name']}, session {session['id']} attempt {session['attempt']}"])

        image_dir = await asyncio.to_thread(fetch_folder, trainlab["dataset"]["url"], work / "dataset")
        images = sum(1 for p in image_dir.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES)
        lines = [f"trainlab worker: dataset downloaded, {images} images"]
        resume = None
        if trainlab["resume"]:
            ref = trainlab["resume"]["checkpoint"]
            folder = await asyncio.to_thread(fetch_state, ref, work / "resume")
            resume = Resume(ref, folder, resume_step(folder, trainlab["resume"]["step"]))
            lines.append(f"trainlab worker: resuming from {ref} at step {resume.step}")
        run = Training(job, trainlab, uploads, work, image_dir, resume, report)
        report.progress = run.progress
        lines.append(f"trainlab worker: {shlex.join(run.argv)}")
        yield chunk(lines)

        await run.start()
        async for batch in run.output():
            yield chunk(batch)
        result = await run.finish()
        notes = run.take_notes()
        if notes:
            yield chunk(notes)
        await clean_up()
        await report.finish("COMPLETED", output=result)
        yield {"result": result}
    except Exception as err:  # every failure becomes a FAILED job with a readable error
        leftover = run.take_notes() if run else []
        if leftover:
            yield chunk(leftover)
        # Before the last yield: runpod-python stops reading the generator at an error.
        await clean_up()
        error = error_info(err, RUNPOD_VERSION)
        if report:
            await report.finish("FAILED", error=error)
        yield {"error": error}
    finally:
        # Cancel and timeout close the generator from outside; stop() and rmtree may run twice.
        await clean_up()


if __name__ == "__main__":
    runpod.serverless.start({"handler": handler, "return_aggregate_stream": True})
