"""The streaming record (hồ sơ dạng dòng): a header line, then one ballot per line.

A record of a large body does not fit one JSON document in memory. Its streaming form is
JSON Lines (``.jsonl``, or gzip-compressed ``.jsonl.gz``): the first line is the header —
every section of the record except ``ballots``, with ``format``
``"tinnhiem-record-stream"`` and ``ballot_count``, the number of lines that follow — and
each following line is one entry of ``ballots``, in order. Every line is canonical JSON.
The content is exactly the record's (docs/record-format.md §1.1): converting either form to
the other changes nothing, and both verify to the same verdict.

``BallotSource`` is what the verifier reads: the header, and the ballots twice — a first
pass for what the board check needs (each ballot's recorded hash, board index and
credential), a second in chunks for the proofs. A whole-record source serves them from
memory; a stream source re-reads the file, so memory stays flat whatever the size.
"""

from __future__ import annotations

import gzip
import io
import os
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future
from dataclasses import dataclass, replace
from pathlib import Path
from typing import IO, Any, Protocol, cast

from tinnhiem.ballots import canonical_json, parse_json
from tinnhiem.errors import InputError
from tinnhiem.record.errors import RecordInvalid, RecordUnreadable
from tinnhiem.record.model import (
    RECORD_VERSION,
    ElectionRecord,
    RecordedBallot,
    check_format,
)
from tinnhiem.record.runner import Pending, Runner
from tinnhiem.record.schema import check_ballot_json, check_header_json

__all__ = [
    "STREAM_FORMAT",
    "BallotRef",
    "BallotSource",
    "FileSlice",
    "Lines",
    "MemorySource",
    "StreamSource",
    "is_stream_path",
    "read_ballot_line",
    "resolve_lines",
    "write_record_stream",
]

STREAM_FORMAT = "tinnhiem-record-stream"


def is_stream_path(path: str | Path) -> bool:
    """Whether a record file name is the streaming form (``.jsonl`` or ``.jsonl.gz``)."""
    name = Path(path).name
    return name.endswith(".jsonl") or name.endswith(".jsonl.gz")


@dataclass(frozen=True, slots=True)
class BallotRef:
    """What the board check and the count need of one ballot, read in the first pass."""

    hash: bytes
    board_index: int
    credential: bytes


class BallotSource(Protocol):
    """A record's header (``ballots`` left empty) and its ballots, read in order."""

    @property
    def header(self) -> ElectionRecord: ...

    @property
    def count(self) -> int: ...

    def refs(self) -> list[BallotRef]:
        """Every ballot's recorded hash, board index and credential, in order."""
        ...

    def ballots(self) -> Iterator[RecordedBallot]:
        """Every ballot, in order (read again on each call)."""
        ...


class MemorySource:
    """A whole record already in memory."""

    def __init__(self, record: ElectionRecord) -> None:
        self.record = record
        self.header = replace(record, ballots=())
        self.count = len(record.ballots)

    def refs(self) -> list[BallotRef]:
        return [BallotRef(b.hash, b.board_index, b.ballot.credential) for b in self.record.ballots]

    def ballots(self) -> Iterator[RecordedBallot]:
        return iter(self.record.ballots)


def _open(path: Path) -> IO[bytes]:
    raw = path.open("rb")
    head = raw.peek(2)[:2] if isinstance(raw, io.BufferedReader) else b""
    if head == b"\x1f\x8b":
        return cast(IO[bytes], gzip.GzipFile(fileobj=raw, mode="rb"))
    return raw


class StreamSource:
    """A streaming record file. Opening it runs step 0 over the whole file — the header's
    and every ballot's schema, and that the number of lines is ``ballot_count`` — and
    keeps only the header and the ballot references. With a ``runner`` the ballot lines'
    step 0 (parsing and schema) runs on it in chunks, in parallel; the first failure in
    file order is raised, as when one process reads them."""

    def __init__(self, path: str | Path, *, runner: Runner | None = None) -> None:
        self.path = Path(path)
        refs: list[BallotRef] = []
        pending: deque[Pending] = deque()
        limit = 2 * (runner.workers if runner is not None else 1) + 2

        def collect() -> None:
            outcome = pending.popleft().result()
            if outcome[0] == "ok":
                refs.extend(
                    BallotRef(bytes.fromhex(h), b, bytes.fromhex(c)) for h, b, c in outcome[1]
                )
                return
            for later in pending:
                cancel = getattr(later, "cancel", None)
                if cancel is not None:
                    cancel()
            pending.clear()
            _kind, check, message, where = outcome
            if check is None:
                raise RecordUnreadable(message, where=where)
            raise RecordInvalid(check, message, where=where)

        def submit(start: int, lines: Lines) -> None:
            if runner is None:
                done: Future[Any] = Future()
                done.set_result(_scan_lines(start, lines))
                pending.append(done)
            else:
                pending.append(runner.submit(_scan_lines, start, lines))
            while len(pending) > limit:
                collect()

        try:
            with _open(self.path) as f:
                first = f.readline()
                data = _parse(first, "header")
                check_format(data, STREAM_FORMAT)
                check_header_json(data)
                count = data.pop("ballot_count")
                data["format"] = "tinnhiem-record"
                data["ballots"] = []
                self.header = ElectionRecord.from_json(data)
            by_place = runner is None or runner.shares_files
            for start, _n, lines in self.chunks(SCAN_LINES, by_place=by_place):
                submit(start, lines)
            while pending:
                collect()
        except OSError as exc:
            raise RecordUnreadable(
                f"cannot read the file: {exc.strerror or exc}", where=str(path)
            ) from exc
        except EOFError as exc:
            raise RecordUnreadable(f"broken gzip data: {exc}", where=str(path)) from exc
        if len(refs) != count:
            raise RecordInvalid(
                "schema",
                f"the header announces {count} ballots, the file holds {len(refs)}",
                where="ballot_count",
            )
        self.count = count
        self._refs = refs

    def refs(self) -> list[BallotRef]:
        return self._refs

    def ballots(self) -> Iterator[RecordedBallot]:
        with _open(self.path) as f:
            f.readline()
            for i, line in enumerate(_lines(f)):
                yield read_ballot_line(line, i)

    def chunks(self, size: int, *, by_place: bool = True) -> Iterator[tuple[int, int, Lines]]:
        """The ballot lines ``size`` at a time: each chunk's first ballot index, its number
        of ballots and the lines — as bytes from a gzip file, as a ``FileSlice`` (where they
        lie in the file) from an uncompressed one, so that a verifier's workers read them
        themselves and the lines never pass through the verifier's process (``by_place``
        False: always the bytes, for workers that cannot read this machine's files)."""
        with _open(self.path) as f:
            plain = by_place and not isinstance(f, gzip.GzipFile)
            offset = len(f.readline())
            chunk: list[bytes] = []
            count = 0
            start = 0
            begin = offset
            for line in f:
                offset += len(line)
                if not line.strip():
                    continue
                count += 1
                if not plain:
                    chunk.append(line)
                if count >= size:
                    yield start, count, FileSlice(str(self.path), begin, offset) if plain else chunk
                    start += count
                    count = 0
                    chunk = []
                    begin = offset
            if count:
                yield start, count, FileSlice(str(self.path), begin, offset) if plain else chunk

    def whole(self) -> ElectionRecord:
        """The record as one document (all its ballots in memory)."""
        return replace(self.header, ballots=tuple(self.ballots()))


#: Ballot lines per chunk of the first pass.
SCAN_LINES = 200


def _scan_lines(start: int, chunk: Lines) -> tuple[Any, ...]:
    """Step 0 of ballot lines ``start`` …, wherever it runs: ``("ok", refs)`` with each
    ballot's (hash hex, board index, credential hex), or the first failure as
    ``("error", check, message, where)`` (``check`` None: unreadable)."""
    out = []
    for j, line in enumerate(resolve_lines(chunk)):
        i = start + j
        try:
            ballot = _parse(line, f"ballots[{i}]")
            check_ballot_json(ballot, i)
        except RecordInvalid as exc:
            return ("error", exc.check, exc.message, exc.where)
        except RecordUnreadable as exc:
            return ("error", None, _message(exc), exc.where)
        out.append((ballot["hash"], ballot["board_index"], ballot["credential"]))
    return ("ok", out)


def _message(exc: InputError) -> str:
    """The message without the ``where: `` prefix ``InputError`` adds."""
    text = str(exc)
    prefix = f"{exc.where}: " if exc.where else ""
    return text[len(prefix) :] if prefix and text.startswith(prefix) else text


@dataclass(frozen=True)
class FileSlice:
    """Ballot lines by where they lie in an uncompressed streaming file (bytes ``begin`` to
    ``end``): whoever checks them reads them there (a worker on this machine, or on a
    cluster that mounts the same file at the same path)."""

    path: str
    begin: int
    end: int

    def read(self) -> list[bytes]:
        with open(self.path, "rb") as f:
            f.seek(self.begin)
            data = f.read(self.end - self.begin)
        parts = data.split(b"\n")
        lines = [p + b"\n" for p in parts[:-1]]
        if parts[-1]:
            lines.append(parts[-1])
        return [line for line in lines if line.strip()]


#: A chunk of ballot lines: the bytes, or where they lie in the file.
Lines = list[bytes] | FileSlice


def resolve_lines(lines: Lines) -> list[bytes]:
    """The ballot lines of a chunk, read from the file if the chunk says where they lie."""
    return lines.read() if isinstance(lines, FileSlice) else lines


def read_ballot_line(line: bytes, index: int) -> RecordedBallot:
    """One ballot line of a streaming record, ``ballots[index]``."""
    where = f"ballots[{index}]"
    return RecordedBallot.from_json(_parse(line, where), where=where)


def _lines(f: IO[bytes]) -> Iterator[bytes]:
    for line in f:
        if line.strip():
            yield line


def _parse(line: bytes, where: str) -> Any:
    if not line.strip():
        raise RecordUnreadable("the line is empty", where=where)
    try:
        return parse_json(line, where=where)
    except InputError as exc:
        raise RecordUnreadable(str(exc)) from exc


def header_json(record: ElectionRecord, count: int) -> dict[str, Any]:
    """The header line's content: the record without ``ballots``, with ``ballot_count``."""
    data = record.to_json()
    data.pop("ballots")
    data["format"] = STREAM_FORMAT
    data["version"] = RECORD_VERSION
    data["ballot_count"] = count
    return data


def write_record_stream(
    header: ElectionRecord, ballots: Iterable[RecordedBallot], path: str | Path, *, count: int
) -> Path:
    """Write the streaming form, one ballot at a time (atomically: a temporary file, then
    rename). ``header`` is the record (its own ``ballots`` are ignored); ``count`` is the
    number of ``ballots``."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    written = 0
    with tmp.open("wb") as raw:
        out = cast(
            IO[bytes],
            gzip.GzipFile(fileobj=raw, mode="wb", compresslevel=6, mtime=0)
            if path.name.endswith(".gz")
            else raw,
        )
        out.write(canonical_json(header_json(header, count), check=False) + b"\n")
        for ballot in ballots:
            out.write(canonical_json(ballot.to_json(), check=False) + b"\n")
            written += 1
        if out is not raw:
            out.close()
    if written != count:
        tmp.unlink()
        raise InputError(f"{written} ballots written, {count} announced", where=str(path))
    os.replace(tmp, path)
    return path
