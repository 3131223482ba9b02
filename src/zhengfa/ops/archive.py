"""The backup archive: a tar holding ``manifest.json``, the database snapshot and the
uploaded files, each listed in the manifest with its size and SHA-256.

Reading checks everything before anything is used: every member must be a regular file
at a safe relative path, listed in the manifest, with the listed checksum; every listed
file must be present.
"""

from __future__ import annotations

import hashlib
import json
import tarfile
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path, PurePosixPath
from typing import IO, Any

FORMAT = "zhengfa-backup"
VERSION = 1
MANIFEST = "manifest.json"
DATABASE_DIR = "database"
MEDIA_DIR = "media"
CHUNK = 1 << 20


class ArchiveError(ValueError):
    """The archive is missing, not a zhengfa backup, or damaged."""


@dataclass(frozen=True)
class Entry:
    path: str  # inside the archive, POSIX, relative
    size: int
    sha256: str


@dataclass
class Manifest:
    engine: str  # "sqlite" or "postgresql"
    created_at: str
    database: Entry
    media: list[Entry] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    format: str = FORMAT
    version: int = VERSION

    def entries(self) -> list[Entry]:
        return [self.database, *self.media]

    def to_json(self) -> bytes:
        return json.dumps(asdict(self), ensure_ascii=False, indent=2).encode()

    @classmethod
    def from_json(cls, raw: bytes) -> Manifest:
        try:
            data: dict[str, Any] = json.loads(raw)
            if data.get("format") != FORMAT or data.get("version") != VERSION:
                raise ArchiveError(f"not a {FORMAT} version {VERSION} manifest")
            return cls(
                engine=str(data["engine"]),
                created_at=str(data["created_at"]),
                database=Entry(**data["database"]),
                media=[Entry(**item) for item in data["media"]],
                counts={str(k): int(v) for k, v in data["counts"].items()},
            )
        except (ValueError, KeyError, TypeError) as exc:
            if isinstance(exc, ArchiveError):
                raise
            raise ArchiveError(f"the manifest is malformed: {exc}") from exc


def file_entry(path: Path, name: str) -> Entry:
    digest = hashlib.sha256()
    with path.open("rb") as source:
        while chunk := source.read(CHUNK):
            digest.update(chunk)
    return Entry(name, path.stat().st_size, digest.hexdigest())


def write_archive(
    out: Path, manifest: Manifest, files: dict[str, Path], advance: Callable[[int], None]
) -> None:
    """Write the manifest first, then each file; ``files`` maps archive path -> disk path."""
    with tarfile.open(out, "w", format=tarfile.PAX_FORMAT) as tar:
        raw = manifest.to_json()
        info = tarfile.TarInfo(MANIFEST)
        info.size = len(raw)
        info.mode = 0o600
        tar.addfile(info, _BytesReader(raw))
        for entry in manifest.entries():
            source = files[entry.path]
            info = tar.gettarinfo(str(source), arcname=entry.path)
            info.uid = info.gid = 0
            info.uname = info.gname = ""
            with source.open("rb") as data:
                tar.addfile(info, data)
            advance(entry.size)


class _BytesReader:
    def __init__(self, data: bytes) -> None:
        self._data, self._at = data, 0

    def read(self, size: int = -1) -> bytes:
        end = len(self._data) if size < 0 else self._at + size
        chunk, self._at = self._data[self._at : end], min(end, len(self._data))
        return chunk


def read_manifest(archive: Path) -> Manifest:
    with _open(archive) as tar:
        return _manifest_of(tar)


def extract_verified(archive: Path, into: Path, advance: Callable[[int], None]) -> Manifest:
    """Extract into ``into`` (an empty folder), checking every checksum on the way."""
    with _open(archive) as tar:
        try:
            return _extract_members(tar, into, advance)
        except (tarfile.TarError, EOFError) as exc:
            raise ArchiveError(f"the archive is damaged ({exc})") from exc


def _extract_members(tar: tarfile.TarFile, into: Path, advance: Callable[[int], None]) -> Manifest:
    manifest = _manifest_of(tar)
    expected = {entry.path: entry for entry in manifest.entries()}
    seen: set[str] = set()
    for member in _members(tar):
        if member.name == MANIFEST:
            continue
        entry = expected.get(member.name)
        if entry is None:
            raise ArchiveError(f"{member.name}: in the archive but not in the manifest")
        source = tar.extractfile(member)
        if source is None:
            raise ArchiveError(f"{member.name}: not a regular file")
        _copy_checked(source, into / member.name, entry)
        seen.add(member.name)
        advance(entry.size)
    missing = sorted(set(expected) - seen)
    if missing:
        raise ArchiveError(f"{missing[0]}: listed in the manifest but not in the archive")
    return manifest


def _copy_checked(source: IO[bytes], target: Path, entry: Entry) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    digest, size = hashlib.sha256(), 0
    with target.open("wb") as out:
        while chunk := source.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
            out.write(chunk)
    if (size, digest.hexdigest()) != (entry.size, entry.sha256):
        raise ArchiveError(f"{entry.path}: checksum mismatch (the archive is damaged)")


def _open(archive: Path) -> tarfile.TarFile:
    if not archive.is_file():
        raise ArchiveError(f"{archive}: no such file")
    try:
        return tarfile.open(archive, "r:")
    except (tarfile.TarError, OSError) as exc:
        raise ArchiveError(f"{archive}: not a backup archive ({exc})") from exc


def _manifest_of(tar: tarfile.TarFile) -> Manifest:
    try:
        member = tar.getmember(MANIFEST)
    except KeyError:
        raise ArchiveError(f"no {MANIFEST}: not a zhengfa backup") from None
    except tarfile.TarError as exc:
        raise ArchiveError(f"the archive is damaged ({exc})") from exc
    source = tar.extractfile(member)
    if source is None:
        raise ArchiveError(f"{MANIFEST} is not a regular file")
    return Manifest.from_json(source.read())


def _members(tar: tarfile.TarFile) -> Iterator[tarfile.TarInfo]:
    for member in tar:
        _check_safe(member)
        yield member


def _check_safe(member: tarfile.TarInfo) -> None:
    path = PurePosixPath(member.name)
    if not member.isfile() or path.is_absolute() or ".." in path.parts:
        raise ArchiveError(f"{member.name}: unsafe archive member (only plain relative files)")
