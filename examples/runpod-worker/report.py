"""The run's durable report (contract.ts `JobReport`): how Trainlab learns the outcome once
RunPod has forgotten the job.

RunPod keeps a finished job's result for only 30 minutes, and deletes any job at its ttl. A
person who starts a run and closes the laptop for an hour would come back to "unknown". So the
worker also keeps a report in the bucket: status, progress, output or error, and every stream
chunk of this run. Its URL (presigned GET, or under TRAINLAB_PUBLIC_BASE_URL) goes out in the
first stream chunk and in every progress update, while RunPod still relays them; Trainlab keeps
it with the session and reads the report when RunPod answers 404.

It is rewritten in the background at most every TRAINLAB_REPORT_SECONDS while the job runs, at
once after each checkpoint upload, and at the end with the outcome. A run RunPod stops (cancel,
timeout, ttl) cannot write its end: its report keeps saying IN_PROGRESS, which Trainlab reads
as the last word of a stopped run. A report that cannot be written costs the report, never the
run: the reason goes to the log.
"""

import asyncio
import os
import time
import uuid
from datetime import datetime, timezone

REPORT_VERSION = 1
REPORT_SECONDS = float(os.environ.get("TRAINLAB_REPORT_SECONDS", "60"))


def _now():
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class JobReport:
    def __init__(self, uploads, job_id):
        self.uploads, self.job_id = uploads, job_id
        # One report per run: a RunPod Retry runs the same job id again, with its own report.
        self.key, self.url = uploads.report_location(uuid.uuid4().hex[:12])
        self.chunks = []
        self.named = False
        self.progress = None  # a callable giving the newest progress update, set once training runs
        self.problem = None
        self._last_write = 0.0
        self._task = None
        self._dirty = False

    def add_chunk(self, chunk):
        """Records a chunk; the first one names the report. Returns the chunk to yield."""
        if not self.named:
            chunk["report"] = self.url
            self.named = True
        self.chunks.append(chunk)
        self.touch()
        return chunk

    def touch(self, force=False):
        """Rewrites the IN_PROGRESS report in the background when one is due (at once if forced)."""
        if not force and time.monotonic() - self._last_write < REPORT_SECONDS:
            return
        if self._task and not self._task.done():
            self._dirty = True  # the running write is older than what we have now: write again after it
            return
        self._last_write = time.monotonic()
        self._task = asyncio.ensure_future(self._write_while_dirty())

    async def finish(self, status, output=None, error=None):
        """The last word: COMPLETED with the output, or FAILED with RunPod's error string."""
        if self._task:
            await self._task
        await self._put(self._body(status, output, error))

    async def _write_while_dirty(self):
        while True:
            self._dirty = False
            await self._put(self._body("IN_PROGRESS"))
            if not self._dirty:
                return

    def _body(self, status, output=None, error=None):
        body = {
            "schemaVersion": REPORT_VERSION,
            "jobId": self.job_id,
            "status": status,
            "updatedAt": _now(),
            "progress": self.progress() if self.progress else None,
            "chunks": list(self.chunks),
        }
        if output is not None:
            body["output"] = output
        if error is not None:
            body["error"] = error
        return body

    async def _put(self, body):
        try:
            await asyncio.to_thread(self.uploads.put_json, self.key, body)
            self.problem = None
        except Exception as err:  # never fails the run
            self.problem = f"trainlab worker: could not write the job report: {err}"
