"""The log's bytes are the canonical codec's, and every log written before keeps its hashes."""

from __future__ import annotations

import hashlib
import json
import unicodedata

import pytest

import tinnhiem.ballots.codec
from tinnhiem.codec import canonical_json
from tinnhiem.paper import EntryLog, LogEvent, LogIntegrityError, verify_chain


def _old_line_hash(body: dict[str, object]) -> str:
    """The hash as the log computed it before it used the codec (spelled out here)."""
    encoded = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(b"tinnhiem/paper-log/v1\n" + encoded.encode()).hexdigest()


def test_the_codec_has_one_home_reexported_from_ballots() -> None:
    assert tinnhiem.ballots.codec.canonical_json is canonical_json


def test_event_bytes_and_hash_are_unchanged() -> None:
    data = {"serial": 7, "marks": ["high", "low", None], "note": "Nguyễn Thị Đào", "ok": True}
    event = LogEvent.seal(3, "2026-11-29T02:00:00.000000Z", "Lan", "ballot_entered", data, "ab")
    assert event.hash == _old_line_hash(event.body())
    assert event.to_json().encode() == canonical_json({**event.body(), "hash": event.hash})


def test_a_decomposed_name_still_verifies() -> None:
    # The log holds operators' text as typed; the codec's NFC check stays off for it.
    actor = unicodedata.normalize("NFD", "Nguyễn Văn Minh")
    log = EntryLog()
    log.append(actor, "note", {"text": actor})
    line = log.events[0].to_json()
    again = LogEvent.from_json(line, where="log:1")
    assert again.actor == actor
    assert verify_chain([again]) == log.head


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_a_line_with_a_json_constant_is_not_an_event(constant: str) -> None:
    log = EntryLog()
    log.append("Lan", "note", {"n": 1})
    line = log.events[0].to_json().replace('"n":1', f'"n":{constant}')
    with pytest.raises(LogIntegrityError, match="not a log event"):
        LogEvent.from_json(line, where="log:1")
