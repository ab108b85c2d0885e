"""The files a committee member carries between the committee page and an offline laptop
(``tinnhiem trustee``): their format is defined here, once, for the web and the CLI.

Every file is a JSON object with ``format`` (``tinnhiem-trustee/1``) and ``kind``:

- ``ceremony``: the manifest, the ceremony's fingerprint ``H(manifest)``, ``t``, ``n`` and
  the commits and reveals posted so far (by member number), for keygen, reveal and finish;
- ``aggregates``: the round id, the election fingerprint, the committee key and the
  aggregates to decrypt;
- ``head``: the round id, the election fingerprint, the committee key, the members who
  decrypted and the final board head they sign (record-format §3.12);
- a message (``commit``, ``reveal``, ``confirm``, ``complaint``, ``decryption``,
  ``head_signature``): the round id and the ``payload`` to post.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from tinnhiem.ballots import Manifest, ceremony_fingerprint
from tinnhiem.errors import InputError
from tinnhiem.poll.ceremony import CEREMONY_KINDS, CeremonyTranscript

__all__ = [
    "MESSAGE_KINDS",
    "TRUSTEE_FORMAT",
    "TrusteeMessage",
    "aggregates_file",
    "ceremony_file",
    "head_file",
    "message_file",
    "read_message_file",
    "read_trustee_file",
]

TRUSTEE_FORMAT = "tinnhiem-trustee/1"
MESSAGE_KINDS = (*CEREMONY_KINDS, "decryption", "head_signature")


def ceremony_file(manifest: Manifest, transcript: CeremonyTranscript) -> dict[str, Any]:
    """What a member downloads for ``tinnhiem trustee keygen / reveal / finish``."""
    return {
        "format": TRUSTEE_FORMAT,
        "kind": "ceremony",
        "round_id": manifest.round_id,
        "manifest": manifest.to_json(),
        "ceremony_fingerprint": ceremony_fingerprint(manifest).hex(),
        "t": manifest.threshold,
        "n": len(manifest.committee),
        "commits": {str(i): p for i, p in sorted(transcript.commits.items())},
        "reveals": {str(i): p for i, p in sorted(transcript.reveals.items())},
    }


def aggregates_file(
    round_id: str, fingerprint: bytes, key: Mapping[str, Any], aggregates: Sequence[str]
) -> dict[str, Any]:
    """What a member downloads for ``tinnhiem trustee decrypt``."""
    return {
        "format": TRUSTEE_FORMAT,
        "kind": "aggregates",
        "round_id": round_id,
        "fingerprint": fingerprint.hex(),
        "committee": dict(key),
        "aggregates": list(aggregates),
    }


def head_file(
    round_id: str,
    fingerprint: bytes,
    key: Mapping[str, Any],
    present: Sequence[int],
    head: bytes,
) -> dict[str, Any]:
    """What a member downloads for ``tinnhiem trustee sign-head`` (once the round is
    tallied): the final board head and what it is signed under."""
    return {
        "format": TRUSTEE_FORMAT,
        "kind": "head",
        "round_id": round_id,
        "fingerprint": fingerprint.hex(),
        "committee": dict(key),
        "present": list(present),
        "head": head.hex(),
    }


def message_file(round_id: str, kind: str, payload: Mapping[str, Any]) -> dict[str, Any]:
    """A message the member uploads (written by ``tinnhiem trustee``)."""
    if kind not in MESSAGE_KINDS:
        raise InputError(f"unknown message kind {kind!r}", where="kind")
    return {"format": TRUSTEE_FORMAT, "kind": kind, "round_id": round_id, "payload": dict(payload)}


def read_trustee_file(data: Any, *, kind: str, where: str) -> dict[str, Any]:
    """Check a downloaded file's format and kind; return it."""
    if not isinstance(data, dict) or data.get("format") != TRUSTEE_FORMAT:
        raise InputError(
            f"not a {TRUSTEE_FORMAT} file (download it from the committee page)", where=where
        )
    if data.get("kind") != kind:
        raise InputError(f"this is a {data.get('kind')!r} file, expected {kind!r}", where=where)
    return data


@dataclass(frozen=True)
class TrusteeMessage:
    """An uploaded message file: which round, which kind, what to post."""

    round_id: str
    kind: str
    payload: Any


def read_message_file(data: Any, *, round_id: str, where: str = "file") -> TrusteeMessage:
    """Parse an uploaded message file for round ``round_id``; ``InputError`` says what is
    wrong (another format, another round, an unknown kind)."""
    if not isinstance(data, dict) or data.get("format") != TRUSTEE_FORMAT:
        raise InputError(f"not a {TRUSTEE_FORMAT} file from tinnhiem trustee", where=where)
    if data.get("round_id") != round_id:
        raise InputError(
            f"this file belongs to round {data.get('round_id')!r}, not {round_id!r}", where=where
        )
    kind = data.get("kind")
    if kind not in MESSAGE_KINDS:
        raise InputError(f"unknown message kind {kind!r}", where=where)
    return TrusteeMessage(round_id, str(kind), data.get("payload"))
