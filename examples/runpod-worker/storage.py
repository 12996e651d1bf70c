"""Getting a job's inputs onto the worker and its results off it.

A serverless worker's disk is gone when the job ends, so everything worth keeping goes to an
S3 bucket (AWS S3 or any S3-compatible store: Cloudflare R2, Backblaze B2, MinIO, RunPod's S3
API for network volumes) while the job runs:
- state folders (what a resume continues from) as `s3://bucket/<prefix>/.../<state folder>/`,
  reported as the checkpoint ref; a later resume job downloads that folder;
- the model and sample images, reported as https URLs (presigned, or under a public base URL)
  that Trainlab downloads without S3 credentials.
All calls here block: the handler runs them in a thread (asyncio.to_thread).
"""

import json
import os
import shutil
import tarfile
import urllib.parse
import urllib.request
import zipfile
from pathlib import Path, PurePosixPath

from kohya import safe_name

DOWNLOAD_TIMEOUT_SECONDS = 60
# SigV4 presigned URLs live at most 7 days.
DEFAULT_URL_EXPIRY_SECONDS = 7 * 24 * 3600


class StorageError(RuntimeError):
    """A download or upload failed; the message says which and why."""


def s3_client():
    # Imported here so the other modules load (and compile) where boto3 is not installed.
    import boto3

    return boto3.client(
        "s3",
        endpoint_url=os.environ.get("TRAINLAB_S3_ENDPOINT_URL") or None,
        region_name=os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or None,
    )


def split_s3(url):
    parsed = urllib.parse.urlparse(url)
    if parsed.scheme != "s3" or not parsed.netloc:
        raise StorageError(f"not an s3:// URL: {url}")
    return parsed.netloc, parsed.path.lstrip("/")


def _download_url(url, target):
    scheme = urllib.parse.urlparse(url).scheme
    if scheme == "s3":
        bucket, key = split_s3(url)
        s3_client().download_file(bucket, key, str(target))
    elif scheme in ("https", "http"):
        with urllib.request.urlopen(url, timeout=DOWNLOAD_TIMEOUT_SECONDS) as res, open(target, "wb") as out:
            shutil.copyfileobj(res, out, 1 << 20)
    else:
        raise StorageError(f"cannot download {url}: only https:// and s3:// URLs are supported")


def _download_prefix(url, dest):
    """Every object under an s3:// folder, keeping the relative paths."""
    bucket, prefix = split_s3(url)
    prefix = prefix if prefix.endswith("/") or not prefix else prefix + "/"
    client = s3_client()
    count = 0
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
        for obj in page.get("Contents", []):
            rel = PurePosixPath(obj["Key"][len(prefix):])
            if not rel.parts or ".." in rel.parts or obj["Key"].endswith("/"):
                continue
            target = dest.joinpath(*rel.parts)
            target.parent.mkdir(parents=True, exist_ok=True)
            client.download_file(bucket, obj["Key"], str(target))
            count += 1
    if count == 0:
        raise StorageError(f"nothing found under {url}")


def _inside(root, name):
    target = (root / name).resolve()
    return target == root or root in target.parents


def _extract(archive, dest):
    """Unpacks a zip or tar, refusing members that would land outside `dest` and links."""
    root = dest.resolve()
    if zipfile.is_zipfile(archive):
        with zipfile.ZipFile(archive) as z:
            for member in z.infolist():
                if not _inside(root, member.filename):
                    raise StorageError(f"the archive has a member outside its folder: {member.filename}")
            z.extractall(root)
    elif tarfile.is_tarfile(archive):
        with tarfile.open(archive) as t:
            members = t.getmembers()
            for member in members:
                if member.issym() or member.islnk() or member.isdev() or not _inside(root, member.name):
                    raise StorageError(f"the archive has a link, device or member outside its folder: {member.name}")
            t.extractall(root, members=members)
    else:
        raise StorageError(f"{archive.name} is neither a zip nor a tar archive")


def _single_folder(path):
    """An archive that holds one folder (`dataset/…`) means that folder."""
    entries = [e for e in path.iterdir() if not e.name.startswith(".") and e.name != "__MACOSX"]
    return _single_folder(entries[0]) if len(entries) == 1 and entries[0].is_dir() else path


def fetch_folder(url, dest):
    """A folder from an s3:// folder URL (one ending in `/`), or from an https:// or s3:// zip or tar."""
    dest.mkdir(parents=True, exist_ok=True)
    if url.startswith("s3://") and (url.endswith("/") or not split_s3(url)[1]):
        _download_prefix(url, dest)
        return _single_folder(dest)
    archive = dest.parent / f"{dest.name}.download"
    try:
        _download_url(url, archive)
        _extract(archive, dest)
    finally:
        archive.unlink(missing_ok=True)
    return _single_folder(dest)


def fetch_state(ref, dest):
    """The state folder a checkpoint ref names: an s3:// folder this worker uploaded, or an
    https:// or s3:// archive holding one. It must hold train_state.json."""
    if ref.startswith("s3://") and not ref.endswith("/") and not ref.endswith((".zip", ".tar", ".tar.gz", ".tgz")):
        ref += "/"
    folder = fetch_folder(ref, dest)
    found = [p.parent for p in folder.rglob("train_state.json")]
    if not found:
        raise StorageError(f"the checkpoint {ref} holds no train_state.json: not a kohya state folder")
    return found[0]


class Uploads:
    """Where one job's results go: `s3://<bucket>/<prefix>/<style>/<session>/<job>/…`."""

    def __init__(self, bucket, prefix):
        self.bucket = bucket
        self.prefix = prefix.strip("/")
        self.client = s3_client()
        self.public_base = os.environ.get("TRAINLAB_PUBLIC_BASE_URL", "").rstrip("/")
        self.expiry = int(os.environ.get("TRAINLAB_URL_EXPIRY_SECONDS") or DEFAULT_URL_EXPIRY_SECONDS)

    @classmethod
    def for_job(cls, job_id, trainlab):
        bucket = os.environ.get("TRAINLAB_S3_BUCKET")
        if not bucket:
            raise StorageError("TRAINLAB_S3_BUCKET is not set: the worker has nowhere to keep checkpoints and the model (see the README)")
        root = os.environ.get("TRAINLAB_S3_PREFIX", "trainlab")
        return cls(bucket, "/".join([root, safe_name(trainlab["style"]["id"]), safe_name(trainlab["session"]["id"]), safe_name(job_id)]))

    def upload_folder(self, local, name):
        """A folder's files under `<prefix>/<name>/`; returns its s3:// ref (ending in `/`)."""
        key_root = f"{self.prefix}/{name}"
        for path in sorted(p for p in local.rglob("*") if p.is_file()):
            self.client.upload_file(str(path), self.bucket, f"{key_root}/{path.relative_to(local).as_posix()}")
        return f"s3://{self.bucket}/{key_root}/"

    def report_location(self, token):
        """The key of this run's JobReport and the URL Trainlab reads it from (which may be
        signed before the object exists: a presigned GET is valid once it is written)."""
        key = f"{self.prefix}/report-{token}.json"
        return key, self._url(key)

    def put_json(self, key, body):
        self.client.put_object(Bucket=self.bucket, Key=key, Body=json.dumps(body).encode("utf-8"), ContentType="application/json")

    def upload_file(self, local, name):
        """One file; returns an https URL Trainlab can download it from."""
        key = f"{self.prefix}/{name}"
        self.client.upload_file(str(local), self.bucket, key)
        return self._url(key)

    def _url(self, key):
        if self.public_base:
            return f"{self.public_base}/{urllib.parse.quote(key)}"
        return self.client.generate_presigned_url("get_object", Params={"Bucket": self.bucket, "Key": key}, ExpiresIn=self.expiry)
