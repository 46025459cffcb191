"""Where finished work lives: a local directory (file://) or any S3 API (s3://).

Keys are relative paths such as `stories/<id>/story.mp3`. Both stores can read a byte
range, so the gateway serves HTTP range requests the same way from either.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Protocol
from urllib.parse import urlsplit

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client
    from mypy_boto3_s3.type_defs import ObjectIdentifierTypeDef

    from codestory.core.settings import Settings

CHUNK = 256 * 1024

CONTENT_TYPES = {
    ".mp3": "audio/mpeg",
    ".vtt": "text/vtt; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".json": "application/json",
}


def content_type_for(key: str) -> str:
    return CONTENT_TYPES.get(Path(key).suffix, "application/octet-stream")


CACHE_PREFIX = "cache/"  # reusable work shared by stories (see codestory.artifacts.cache)


class ArtifactNotFoundError(LookupError):
    pass


class ArtifactStore(Protocol):
    def put(self, key: str, data: bytes) -> None: ...
    def get(self, key: str) -> bytes: ...
    def size(self, key: str) -> int: ...
    def read_range(self, key: str, start: int, end: int) -> Iterator[bytes]: ...
    def delete(self, key: str) -> None: ...  # a missing key is not an error
    def delete_prefix(self, prefix: str) -> int: ...
    def delete_older_than(self, prefix: str, cutoff: float) -> int: ...
    def location(self, key: str) -> str: ...


def _safe_key(key: str) -> str:
    parts = Path(key).parts
    if not parts or key.startswith("/") or ".." in parts:
        raise ValueError(f"bad artifact key {key!r}")
    return key


class FileArtifactStore:
    def __init__(self, root: Path) -> None:
        self.root = root

    def _path(self, key: str) -> Path:
        return self.root / _safe_key(key)

    def put(self, key: str, data: bytes) -> None:
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        # Write then rename, so a reader never sees half a file.
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        Path(tmp).replace(path)

    def get(self, key: str) -> bytes:
        try:
            return self._path(key).read_bytes()
        except FileNotFoundError:
            raise ArtifactNotFoundError(key) from None

    def size(self, key: str) -> int:
        try:
            return self._path(key).stat().st_size
        except FileNotFoundError:
            raise ArtifactNotFoundError(key) from None

    def read_range(self, key: str, start: int, end: int) -> Iterator[bytes]:
        try:
            handle = self._path(key).open("rb")
        except FileNotFoundError:
            raise ArtifactNotFoundError(key) from None
        with handle:
            handle.seek(start)
            remaining = end - start + 1
            while remaining > 0:
                chunk = handle.read(min(CHUNK, remaining))
                if not chunk:
                    return
                remaining -= len(chunk)
                yield chunk

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)

    def delete_prefix(self, prefix: str) -> int:
        path = self._path(prefix.rstrip("/"))
        if not path.exists():
            return 0
        count = sum(1 for p in path.rglob("*") if p.is_file())
        shutil.rmtree(path)
        return count

    def delete_older_than(self, prefix: str, cutoff: float) -> int:
        """Delete files under `prefix` last written before `cutoff` (epoch seconds)."""
        path = self._path(prefix.rstrip("/"))
        if not path.exists():
            return 0
        count = 0
        for file in path.rglob("*"):
            if file.is_file() and file.stat().st_mtime < cutoff:
                file.unlink(missing_ok=True)
                count += 1
        return count

    def location(self, key: str) -> str:
        return str(self._path(key))


class S3ArtifactStore:
    def __init__(self, client: S3Client, bucket: str, prefix: str = "") -> None:
        self.client, self.bucket, self.prefix = client, bucket, prefix.strip("/")

    def _key(self, key: str) -> str:
        key = _safe_key(key)
        return f"{self.prefix}/{key}" if self.prefix else key

    def _missing(self, error: Exception) -> bool:
        code = getattr(error, "response", {}).get("Error", {}).get("Code", "")
        return code in {"404", "NoSuchKey", "NotFound"}

    def put(self, key: str, data: bytes) -> None:
        self.client.put_object(
            Bucket=self.bucket, Key=self._key(key), Body=data, ContentType=content_type_for(key)
        )

    def get(self, key: str) -> bytes:
        try:
            return self.client.get_object(Bucket=self.bucket, Key=self._key(key))["Body"].read()
        except self.client.exceptions.ClientError as error:
            if self._missing(error):
                raise ArtifactNotFoundError(key) from None
            raise

    def size(self, key: str) -> int:
        try:
            head = self.client.head_object(Bucket=self.bucket, Key=self._key(key))
        except self.client.exceptions.ClientError as error:
            if self._missing(error):
                raise ArtifactNotFoundError(key) from None
            raise
        return int(head["ContentLength"])

    def read_range(self, key: str, start: int, end: int) -> Iterator[bytes]:
        try:
            body = self.client.get_object(
                Bucket=self.bucket, Key=self._key(key), Range=f"bytes={start}-{end}"
            )["Body"]
        except self.client.exceptions.ClientError as error:
            if self._missing(error):
                raise ArtifactNotFoundError(key) from None
            raise
        yield from body.iter_chunks(CHUNK)

    def delete(self, key: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=self._key(key))

    def delete_prefix(self, prefix: str) -> int:
        deleted = 0
        paginator = self.client.get_paginator("list_objects_v2")
        for page in paginator.paginate(Bucket=self.bucket, Prefix=self._key(prefix)):
            objects: list[ObjectIdentifierTypeDef] = [
                {"Key": o["Key"]} for o in page.get("Contents", [])
            ]
            if objects:
                self.client.delete_objects(Bucket=self.bucket, Delete={"Objects": objects})
                deleted += len(objects)
        return deleted

    def delete_older_than(self, prefix: str, cutoff: float) -> int:
        deleted = 0
        paginator = self.client.get_paginator("list_objects_v2")
        for page in paginator.paginate(Bucket=self.bucket, Prefix=self._key(prefix)):
            objects: list[ObjectIdentifierTypeDef] = [
                {"Key": o["Key"]}
                for o in page.get("Contents", [])
                if o["LastModified"].timestamp() < cutoff
            ]
            if objects:
                self.client.delete_objects(Bucket=self.bucket, Delete={"Objects": objects})
                deleted += len(objects)
        return deleted

    def location(self, key: str) -> str:
        return f"s3://{self.bucket}/{self._key(key)}"


def open_store(settings: Settings) -> ArtifactStore:
    parts = urlsplit(settings.artifact_url)
    if parts.scheme == "file":
        return FileArtifactStore(Path(parts.path))
    import boto3  # only clusters using S3 pay for the import
    from botocore.config import Config

    client = boto3.client(
        "s3",
        # Fail fast and let the task's retry policy (backoff with jitter) take over.
        config=Config(connect_timeout=5, read_timeout=30, retries={"max_attempts": 2}),
        endpoint_url=settings.s3_endpoint_url or None,
        region_name=settings.s3_region,
        aws_access_key_id=settings.s3_access_key_id or None,
        aws_secret_access_key=settings.s3_secret_access_key or None,
    )
    return S3ArtifactStore(client, parts.netloc, parts.path)


class RangeNotSatisfiableError(ValueError):
    pass


def parse_range(header: str | None, size: int) -> tuple[int, int] | None:
    """Parse one `bytes=` range (RFC 9110 section 14.1.2) into inclusive offsets.

    None means serve the whole body. Multiple ranges are answered with the whole body,
    which the RFC allows.
    """
    if not header:
        return None
    unit, _, spec = header.partition("=")
    if unit.strip().lower() != "bytes" or "," in spec:
        return None
    first, dash, last = spec.strip().partition("-")
    if not dash:
        raise RangeNotSatisfiableError(header)
    try:
        if first == "":
            suffix = int(last)
            if suffix <= 0:
                raise RangeNotSatisfiableError(header)
            return max(size - suffix, 0), size - 1
        start = int(first)
        end = int(last) if last else size - 1
    except ValueError:
        raise RangeNotSatisfiableError(header) from None
    if start >= size or end < start:
        raise RangeNotSatisfiableError(header)
    return start, min(end, size - 1)
