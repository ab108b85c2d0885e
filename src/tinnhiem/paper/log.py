"""The entry log (nhật ký nhập phiếu): an append-only list of events with a hash chain.

Every action of a paper round, down to one mark set or changed by one operator, is one
event. Each event carries the SHA-256 hash of the one before it, so editing, removing or
reordering any line breaks every later hash: :func:`verify_chain` names the first line that
fails. Truncating the end leaves a valid shorter chain, which is why the head hash is shown
by ``tinnhiem paper status`` and printed in the tally minutes: the committee writes it down.

On disk the log is a JSON-lines file, one event per line, only ever appended to (under an
exclusive lock, so two operators' terminals on one shared file do not interleave). The
session file of a paper round *is* its log: the round's state is rebuilt by replaying it.

The canonical form hashed is compact JSON with sorted keys in UTF-8: the bytes of
:func:`tinnhiem.codec.canonical_json`, the one codec. The log is an artefact of the paper
round, separate from the election record: its hash is SHA-256 over ``_DOMAIN`` and those
bytes (not the record's length-prefixed ``tagged_hash``). The codec's value checks (strings
in NFC, no floats) stay off, ``check=False``: the paper round's inputs were never held to
them, and a stored log carrying, say, an operator name typed in decomposed form must still
verify. So every stored log keeps its bytes and its hashes.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from tinnhiem.codec import canonical_json
from tinnhiem.paper.errors import LogIntegrityError, PaperInputError

__all__ = [
    "GENESIS",
    "Clock",
    "EntryLog",
    "LogEvent",
    "format_timestamp",
    "open_log_file",
    "read_log",
    "utc_now",
    "verify_chain",
]

_DOMAIN = b"tinnhiem/paper-log/v1\n"
GENESIS = hashlib.sha256(b"tinnhiem/paper-log/v1").hexdigest()
"""The ``prev`` of the first event."""

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    """The default clock."""
    return datetime.now(UTC)


def format_timestamp(moment: datetime) -> str:
    """ISO 8601 in UTC with microseconds, e.g. ``2026-11-29T02:00:00.000000Z``."""
    if moment.tzinfo is None:
        raise PaperInputError("timestamp has no time zone", where="clock")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _canonical(value: Mapping[str, Any]) -> bytes:
    return canonical_json(value, check=False)


def _no_constant(name: str) -> Any:
    # NaN and Infinity are not JSON and the codec refuses to write them: a line holding one
    # was not written by the log (no event carries a float), so it is not an event.
    raise ValueError(f"{name} is not allowed")


@dataclass(frozen=True)
class LogEvent:
    """One line of the entry log."""

    seq: int
    ts: str
    actor: str
    action: str
    data: Mapping[str, Any]
    prev: str
    hash: str

    def body(self) -> dict[str, Any]:
        """Everything the hash covers."""
        return {
            "seq": self.seq,
            "ts": self.ts,
            "actor": self.actor,
            "action": self.action,
            "data": dict(self.data),
            "prev": self.prev,
        }

    def to_json(self) -> str:
        """The event as one line of the JSON-lines file (without the newline)."""
        return _canonical({**self.body(), "hash": self.hash}).decode()

    @staticmethod
    def seal(
        seq: int, ts: str, actor: str, action: str, data: Mapping[str, Any], prev: str
    ) -> LogEvent:
        """Make an event and compute its hash."""
        unsealed = LogEvent(seq, ts, actor, action, data, prev, "")
        digest = hashlib.sha256(_DOMAIN + _canonical(unsealed.body())).hexdigest()
        return LogEvent(seq, ts, actor, action, data, prev, digest)

    @staticmethod
    def from_json(line: str, *, where: str) -> LogEvent:
        """Parse one line; a malformed line raises :class:`LogIntegrityError`."""
        try:
            raw = json.loads(line, parse_constant=_no_constant)
            event = LogEvent(
                seq=int(raw["seq"]),
                ts=str(raw["ts"]),
                actor=str(raw["actor"]),
                action=str(raw["action"]),
                data=dict(raw["data"]),
                prev=str(raw["prev"]),
                hash=str(raw["hash"]),
            )
        except (ValueError, KeyError, TypeError) as exc:
            raise LogIntegrityError(f"{where}: not a log event ({exc})") from exc
        return event


def verify_chain(events: list[LogEvent] | tuple[LogEvent, ...]) -> str:
    """Check sequence numbers, links and hashes; return the head hash.

    Raises :class:`LogIntegrityError` naming the first line (1-based) that fails.
    """
    prev = GENESIS
    for index, event in enumerate(events):
        line = index + 1
        if event.seq != index:
            raise LogIntegrityError(f"sequence number {event.seq}, expected {index}", line=line)
        if event.prev != prev:
            raise LogIntegrityError("does not link to the line before it", line=line)
        expected = LogEvent.seal(
            event.seq, event.ts, event.actor, event.action, event.data, event.prev
        )
        if expected.hash != event.hash:
            raise LogIntegrityError("hash does not match the content (edited line)", line=line)
        prev = event.hash
    return prev


class EntryLog:
    """An append-only, hash-chained event list, in memory or backed by a JSON-lines file.

    There is no method to edit or remove an event; :attr:`events` is a tuple.
    """

    def __init__(
        self,
        events: list[LogEvent] | tuple[LogEvent, ...] = (),
        *,
        clock: Clock = utc_now,
        sink: IO[str] | None = None,
    ) -> None:
        self._head = verify_chain(events)
        self._events: list[LogEvent] = list(events)
        self._clock = clock
        self._sink = sink

    @property
    def events(self) -> tuple[LogEvent, ...]:
        return tuple(self._events)

    @property
    def head(self) -> str:
        """Hash of the last event (or :data:`GENESIS` for an empty log)."""
        return self._head

    def __len__(self) -> int:
        return len(self._events)

    def append(self, actor: str, action: str, data: Mapping[str, Any]) -> LogEvent:
        """Seal a new event after the head, write it through to the file, and return it."""
        event = LogEvent.seal(
            len(self._events), format_timestamp(self._clock()), actor, action, data, self._head
        )
        if self._sink is not None:
            self._sink.write(event.to_json() + "\n")
            self._sink.flush()
        self._events.append(event)
        self._head = event.hash
        return event


def _read_events(handle: IO[str], path: Path) -> list[LogEvent]:
    handle.seek(0)
    events = []
    for number, line in enumerate(handle, start=1):
        if not line.endswith("\n"):
            raise LogIntegrityError(
                f"{path}: unterminated last line, a write was interrupted; the line is not "
                "an event: keep a copy of the file, then remove that partial line",
                line=number,
            )
        events.append(LogEvent.from_json(line, where=f"{path}:{number}"))
    return events


def read_log(path: Path) -> list[LogEvent]:
    """The events of a session file, read without locking or writing (a verifier's copy);
    ``PaperInputError`` when it cannot be read, ``LogIntegrityError`` at a bad line."""
    try:
        with path.open(encoding="utf-8") as handle:
            return _read_events(handle, path)
    except (OSError, UnicodeDecodeError) as exc:
        raise PaperInputError(f"cannot read the paper round file ({exc})", where=str(path)) from exc


@contextmanager
def open_log_file(
    path: Path, *, create: bool = False, clock: Clock = utc_now
) -> Iterator[EntryLog]:
    """Open a session file, holding an exclusive lock until the block ends.

    With ``create`` the file must not exist yet; otherwise it must exist. The chain is
    verified on opening.
    """
    if create and path.exists():
        raise PaperInputError("file already exists; choose another name", where=str(path))
    if not create and not path.exists():
        raise PaperInputError("no such paper round file", where=str(path))
    with path.open("a+", encoding="utf-8") as handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        try:
            try:
                log = EntryLog(_read_events(handle, path), clock=clock, sink=handle)
            except LogIntegrityError as exc:
                error = LogIntegrityError(f"{path}: {exc}")
                error.line = exc.line
                raise error from exc
            handle.seek(0, os.SEEK_END)
            try:
                yield log
            finally:
                handle.flush()
                os.fsync(handle.fileno())  # once per invocation: every line is on disk
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
