"""The election record (hồ sơ cuộc bỏ phiếu): its parts, and its one canonical JSON form.

The record is a single JSON document, canonical (UTF-8, sorted keys, no whitespace, no
floats), with bytes as lowercase hex. docs/record-format.md specifies every field.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tinnhiem.ballots import (
    Ballot,
    BoardEntry,
    BulletinBoard,
    Manifest,
    canonical_json,
    from_hex,
    tagged_hash,
    to_hex,
)
from tinnhiem.ballots.codec import as_int, as_list, as_obj, as_str
from tinnhiem.errors import InputError
from tinnhiem.record.errors import RecordInvalid, RecordUnreadable
from tinnhiem.record.schema import check_record_json

__all__ = [
    "RECORD_FORMAT",
    "RECORD_VERSION",
    "ElectionRecord",
    "RecordInvalid",
    "RecordUnreadable",
    "RecordedBallot",
    "payload_hash",
    "roster_fingerprint",
]

RECORD_FORMAT = "tinnhiem-record"
RECORD_VERSION = 2


def payload_hash(kind: str, payload: Any) -> bytes:
    """H("tinnhiem/payload/v1", kind, canonical JSON of the payload): what the board posts."""
    return tagged_hash(
        "tinnhiem/payload/v1", kind.encode("utf-8"), canonical_json(payload, check=False)
    )


def roster_fingerprint(manifest: Manifest) -> bytes:
    """H(officials and exempt officials as in the manifest): names the roster (danh sách)."""
    m = manifest.to_json()
    return tagged_hash(
        "tinnhiem/roster/v1", canonical_json({"officials": m["officials"], "exempt": m["exempt"]})
    )


@dataclass(frozen=True)
class RecordedBallot:
    """A cast ballot as the record holds it, with its hash, tracker and board entry."""

    ballot: Ballot
    hash: bytes
    tracker: str
    board_index: int

    def to_json(self) -> dict[str, Any]:
        out = self.ballot.to_json()
        out.update(hash=to_hex(self.hash), tracker=self.tracker, board_index=self.board_index)
        return out

    @classmethod
    def from_json(cls, data: Any, *, where: str) -> RecordedBallot:
        d = as_obj(data, where)
        try:
            return cls(
                ballot=Ballot.from_json(d, where=where),
                hash=from_hex(d["hash"], size=32, where=f"{where}.hash"),
                tracker=as_str(d["tracker"], f"{where}.tracker"),
                board_index=as_int(d["board_index"], f"{where}.board_index"),
            )
        except KeyError as exc:
            raise InputError(f"missing field {exc.args[0]!r}", where=where) from exc


def check_format(data: Any, name: str) -> None:
    """``format`` and ``version`` say this is a record this reader knows (else unreadable)."""
    if not isinstance(data, dict):
        raise RecordUnreadable("a record is a JSON object", where="record")
    if data.get("format") != name:
        raise RecordUnreadable(
            f"not a Tín Nhiệm election record (format must be {name!r})", where="format"
        )
    if data.get("version") != RECORD_VERSION:
        raise RecordUnreadable(
            f"unsupported record version {data.get('version')!r} "
            f"(this verifier reads version {RECORD_VERSION})",
            where="version",
        )


def _results(data: Any) -> list[dict[str, Any]] | dict[str, Any]:
    """The rows of a confidence round, or a personnel round's step result (an object)."""
    if isinstance(data, dict):
        return dict(data)
    return [dict(as_obj(r, f"results[{i}]")) for i, r in enumerate(as_list(data, "results"))]


def _restart(data: Any, where: str) -> dict[str, Any]:
    d = as_obj(data, where)
    return {
        "manifest": dict(as_obj(d.get("manifest"), f"{where}.manifest")),
        "restart": dict(as_obj(d.get("restart"), f"{where}.restart")),
    }


@dataclass(frozen=True)
class ElectionRecord:
    """Every published part of one round, in the order a verifier checks them.

    ``committee``, ``decryption`` and ``results`` are kept in their JSON form (their
    meaning is checked by the verifier); everything else is decoded.
    """

    manifest: Manifest
    rule: dict[str, str]
    roster: bytes
    committee: dict[str, Any]
    fingerprint: bytes
    credentials: tuple[bytes, ...]
    ballots: tuple[RecordedBallot, ...]
    close: dict[str, Any]
    aggregates: tuple[bytes, ...]
    decryption: dict[str, Any]
    #: One row per official (a confidence round), or a personnel round's step result
    #: (§3.13): the step's counts, its decision and the clauses that decided it.
    results: list[dict[str, Any]] | dict[str, Any]
    board: tuple[BoardEntry, ...]
    head: bytes
    #: Key ceremonies abandoned after complaints, in order: each ``{"manifest": the
    #: superseded manifest section, "restart": the restart entry's payload}``.
    restarts: tuple[dict[str, Any], ...] = ()
    #: The members who decrypted sign the final board head, in the order of
    #: ``decryption.present``: each ``{"member": i, "signature": hex}`` (§3.12).
    signatures: tuple[dict[str, Any], ...] = ()

    # -- the board's payloads, one per section ----------------------------------------------

    def manifest_payload(self) -> dict[str, Any]:
        return {
            "manifest": self.manifest.to_json(),
            "rule": self.rule,
            "roster": to_hex(self.roster),
        }

    def credentials_payload(self) -> dict[str, Any]:
        return {
            "fingerprint": to_hex(self.fingerprint),
            "credentials": [to_hex(c) for c in self.credentials],
        }

    def aggregates_payload(self) -> list[str]:
        return [to_hex(a) for a in self.aggregates]

    def section_payloads(self) -> list[tuple[str, Any]]:
        """The (kind, payload) posted before the ballots, and those posted after them."""
        abandoned: list[tuple[str, Any]] = []
        for restart in self.restarts:
            abandoned += [("manifest", restart["manifest"]), ("restart", restart["restart"])]
        return [
            *abandoned,
            ("manifest", self.manifest_payload()),
            ("committee", self.committee),
            ("open", self.credentials_payload()),
        ]

    def closing_payloads(self) -> list[tuple[str, Any]]:
        return [
            ("close", self.close),
            ("aggregates", self.aggregates_payload()),
            ("decryption", self.decryption),
            ("results", self.results),
        ]

    # -- JSON ------------------------------------------------------------------------------

    def to_json(self) -> dict[str, Any]:
        return {
            "format": RECORD_FORMAT,
            "version": RECORD_VERSION,
            "manifest": self.manifest.to_json(),
            "rule": self.rule,
            "roster": to_hex(self.roster),
            "committee": self.committee,
            "fingerprint": to_hex(self.fingerprint),
            "credentials": [to_hex(c) for c in self.credentials],
            "ballots": [b.to_json() for b in self.ballots],
            "close": self.close,
            "aggregates": self.aggregates_payload(),
            "decryption": self.decryption,
            "results": self.results,
            "signatures": [dict(s) for s in self.signatures],
            "board": {"head": to_hex(self.head), "entries": [e.to_json() for e in self.board]},
            "restarts": [dict(r) for r in self.restarts],
        }

    def to_bytes(self) -> bytes:
        return canonical_json(self.to_json(), check=False)

    @classmethod
    def from_json(cls, data: Any) -> ElectionRecord:
        """Decode a record: ``RecordUnreadable`` when it is not a record of this version,
        ``RecordInvalid`` (check ``schema``, naming the JSON path) when it does not follow
        the strict record (record/schema.py); then the structure is decoded.

        Values are not checked here (a point that is not on the curve, a wrong hash): that is
        the verifier's job, which reports them as an invalid record.
        """
        check_format(data, RECORD_FORMAT)
        check_record_json(data)
        try:
            d = as_obj(data, "record")
            rule = as_obj(d["rule"], "rule")
            for key in ("id", "digest", "text"):
                as_str(rule.get(key), f"rule.{key}")
            board = as_obj(d["board"], "board")
            return cls(
                manifest=Manifest.from_json(d["manifest"]),
                rule={k: rule[k] for k in ("id", "digest", "text")},
                roster=from_hex(d["roster"], size=32, where="roster"),
                committee=dict(as_obj(d["committee"], "committee")),
                fingerprint=from_hex(d["fingerprint"], size=32, where="fingerprint"),
                credentials=tuple(
                    from_hex(c, size=32, where=f"credentials[{i}]")
                    for i, c in enumerate(as_list(d["credentials"], "credentials"))
                ),
                ballots=tuple(
                    RecordedBallot.from_json(b, where=f"ballots[{i}]")
                    for i, b in enumerate(as_list(d["ballots"], "ballots"))
                ),
                close=dict(as_obj(d["close"], "close")),
                aggregates=tuple(
                    from_hex(a, size=64, where=f"aggregates[{i}]")
                    for i, a in enumerate(as_list(d["aggregates"], "aggregates"))
                ),
                decryption=dict(as_obj(d["decryption"], "decryption")),
                results=_results(d["results"]),
                board=tuple(
                    BoardEntry.from_json(e, where=f"board.entries[{i}]")
                    for i, e in enumerate(as_list(board.get("entries"), "board.entries"))
                ),
                head=from_hex(board.get("head"), size=32, where="board.head"),
                restarts=tuple(
                    _restart(r, f"restarts[{i}]")
                    for i, r in enumerate(as_list(d.get("restarts", []), "restarts"))
                ),
                signatures=tuple(dict(s) for s in as_list(d["signatures"], "signatures")),
            )
        except KeyError as exc:
            raise RecordUnreadable(f"missing section {exc.args[0]!r}", where="record") from exc
        except RecordUnreadable:
            raise
        except InputError as exc:
            # The schema has passed: what is left is content (a manifest that breaks its
            # own rules, e.g. B <= summoned), an invalid record (exit 1), never unreadable.
            where = exc.where or "manifest"
            check = "manifest" if where.startswith("manifest") else "schema"
            raise RecordInvalid(check, str(exc), where=where) from exc

    def board_object(self) -> BulletinBoard:
        """The board as a ``BulletinBoard`` (raises ``BoardError`` if the chain is broken)."""
        return BulletinBoard.from_json(
            {"head": to_hex(self.head), "entries": [e.to_json() for e in self.board]}
        )
