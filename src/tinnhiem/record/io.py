"""Reading and writing record files: canonical JSON, gzip-compressed when the name ends
in ``.gz``; the streaming form (JSON Lines) when it ends in ``.jsonl`` or ``.jsonl.gz``."""

from __future__ import annotations

import gzip
import os
from pathlib import Path

from tinnhiem.ballots import parse_json
from tinnhiem.errors import InputError
from tinnhiem.record.model import ElectionRecord, RecordUnreadable
from tinnhiem.record.runner import Runner
from tinnhiem.record.stream import (
    BallotSource,
    MemorySource,
    StreamSource,
    is_stream_path,
    write_record_stream,
)

__all__ = ["open_record", "read_record", "write_record"]


def write_record(record: ElectionRecord, path: str | Path) -> Path:
    """Write the record's canonical bytes (atomically: a temporary file, then rename); a
    ``.jsonl`` or ``.jsonl.gz`` name gets the streaming form (record/stream.py)."""
    path = Path(path)
    if is_stream_path(path):
        return write_record_stream(record, record.ballots, path, count=len(record.ballots))
    path.parent.mkdir(parents=True, exist_ok=True)
    data = record.to_bytes()
    if path.name.endswith(".gz"):
        data = gzip.compress(data, compresslevel=6, mtime=0)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)
    return path


def read_record(path: str | Path) -> ElectionRecord:
    """Read and decode a record (either form, wholly into memory); ``RecordUnreadable`` says
    what is wrong and where, ``RecordInvalid`` (check ``schema``) where it is not strict."""
    path = Path(path)
    if is_stream_path(path):
        return StreamSource(path).whole()
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise RecordUnreadable(f"cannot read the file: {exc.strerror}", where=str(path)) from exc
    if data[:2] == b"\x1f\x8b":
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError) as exc:
            raise RecordUnreadable(f"broken gzip data: {exc}", where=str(path)) from exc
    try:
        parsed = parse_json(data, where=str(path))
    except InputError as exc:
        raise RecordUnreadable(str(exc)) from exc
    return ElectionRecord.from_json(parsed)


def open_record(path: str | Path, *, runner: Runner | None = None) -> BallotSource:
    """A record to verify: a streaming file is read ballot by ballot (flat memory; its
    first pass on ``runner`` when given), a JSON record wholly."""
    if is_stream_path(path):
        return StreamSource(path, runner=runner)
    return MemorySource(read_record(path))
