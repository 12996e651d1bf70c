"""The job contract between Trainlab and this worker, version 1.

It mirrors src/core/backends/runpod/contract.ts in the Trainlab repository, which is the
authority: read it when changing anything here. Trainlab sends

    POST /run {"input": {"trainlab": JobInput}, "policy": {"executionTimeout": ms, "ttl": ms}}

and reads back progress updates (`Progress`), stream chunks (`{"seq", "lines"}`) and the final
output (`JobOutput`). A worker refuses a schemaVersion it does not know, so an old worker never
half-understands a newer Trainlab.
"""

import json
import os
import socket
import traceback

JOB_CONTRACT_VERSION = 1


class InputError(ValueError):
    """The job's input is wrong: the message names the field, nothing was run."""


def _require(obj, key, kind, where, nullable=False):
    if not isinstance(obj, dict) or key not in obj:
        raise InputError(f"{where}.{key}: required")
    value = obj[key]
    if value is None and nullable:
        return None
    # bool is an int in Python: a JSON true is not a number here.
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise InputError(f"{where}.{key}: expected {kind.__name__}, got {json.dumps(value)[:80]}")
    return value


def parse_job_input(job_input):
    """`job["input"]["trainlab"]`, checked as contract.ts's jobInputSchema checks it."""
    if not isinstance(job_input, dict) or not isinstance(job_input.get("trainlab"), dict):
        raise InputError("input.trainlab: required (this worker runs Trainlab jobs only)")
    t = job_input["trainlab"]
    where = "input.trainlab"
    version = t.get("schemaVersion")
    if version != JOB_CONTRACT_VERSION:
        raise InputError(
            f"{where}.schemaVersion: this worker speaks job contract version {JOB_CONTRACT_VERSION}, "
            f"the job is version {json.dumps(version)}; update the worker image (or Trainlab)"
        )
    for part in ("style", "version"):
        obj = _require(t, part, dict, where)
        _require(obj, "id", str, f"{where}.{part}")
        _require(obj, "name", str, f"{where}.{part}")
    session = _require(t, "session", dict, where)
    _require(session, "id", str, f"{where}.session")
    if _require(session, "attempt", int, f"{where}.session") < 1:
        raise InputError(f"{where}.session.attempt: must be at least 1")
    if not _require(t, "trainer", str, where):
        raise InputError(f"{where}.trainer: must not be empty")
    _require(t, "parameters", dict, where)
    _require(t, "triggerToken", str, where)
    dataset = _require(t, "dataset", dict, where)
    _require(dataset, "id", str, f"{where}.dataset", nullable=True)
    if not _require(dataset, "url", str, f"{where}.dataset"):
        raise InputError(f"{where}.dataset.url: must not be empty")
    _require(dataset, "imageCount", int, f"{where}.dataset", nullable=True)
    resume = _require(t, "resume", dict, where, nullable=True)
    if resume is not None:
        if not _require(resume, "checkpoint", str, f"{where}.resume"):
            raise InputError(f"{where}.resume.checkpoint: must not be empty")
        step = _require(resume, "step", int, f"{where}.resume", nullable=True)
        if step is not None and step < 0:
            raise InputError(f"{where}.resume.step: must not be negative")
    return t


def error_info(err, runpod_version):
    """The JSON string RunPod puts in `error` for a handler exception (runpod-python rp_job), so
    Trainlab reads this worker's failures like any handler's. A trainer failure carries the end of
    its log as the traceback: that is where the cause is."""
    # The worker's own exception classes are reported as the built-in class they refine
    # (InputError as ValueError, StorageError as RuntimeError): the message has the detail.
    builtin = next(c for c in type(err).__mro__ if c.__module__ == "builtins")
    info = {
        "error_type": builtin.__name__,
        "error_message": str(err),
        "error_traceback": getattr(err, "log_tail", None) or traceback.format_exc(),
        "hostname": os.environ.get("RUNPOD_POD_HOSTNAME") or socket.gethostname(),
        "worker_id": os.environ.get("RUNPOD_POD_ID", "unknown"),
        "runpod_version": runpod_version,
    }
    return json.dumps(info)
