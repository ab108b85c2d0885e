"""Canonical bytes: the one way Tín Nhiệm turns structured data into bytes to hash or store.

Canonical JSON is UTF-8, keys sorted, no insignificant whitespace, integers only (no
floats), strings in NFC. Binary values are lowercase hex strings. Hashes are SHA-256 over a
domain-separation tag followed by length-prefixed parts, so no two different inputs share
the same bytes (docs/record-format.md, "Hashes").

This module sits beside ``tinnhiem.errors`` at the bottom of the package graph: it imports
no other part of Tín Nhiệm, so every package (ballots, tally, record, paper, the CLI) can
use it without pulling in the crypto. ``tinnhiem.ballots`` re-exports it.
"""

from __future__ import annotations

import hashlib
import json
import unicodedata
from collections.abc import Mapping, Sequence
from typing import Any

from tinnhiem.errors import InputError

__all__ = [
    "as_int",
    "as_list",
    "as_obj",
    "as_str",
    "canonical_json",
    "from_hex",
    "parse_json",
    "tagged_hash",
    "to_hex",
]


def _check(value: Any, where: str) -> None:
    if value is None or isinstance(value, bool | int):
        return
    if isinstance(value, str):
        if unicodedata.normalize("NFC", value) != value:
            raise InputError("string is not in Unicode NFC", where=where)
        return
    if isinstance(value, float):
        raise InputError("floats are not allowed in canonical JSON", where=where)
    if isinstance(value, Mapping):
        for key, item in value.items():
            if not isinstance(key, str):
                raise InputError("object keys must be strings", where=where)
            _check(item, f"{where}.{key}")
        return
    if isinstance(value, Sequence):
        for i, item in enumerate(value):
            _check(item, f"{where}[{i}]")
        return
    raise InputError(f"type {type(value).__name__} cannot be encoded", where=where)


def canonical_json(value: Any, *, check: bool = True) -> bytes:
    """The canonical JSON bytes of ``value`` (sorted keys, compact, UTF-8).

    ``check=False`` skips the recursive type check, for large trees already built from
    checked parts (the record writer).
    """
    if check:
        _check(value, "$")
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode("utf-8")


def parse_json(data: bytes, *, where: str) -> Any:
    """Parse JSON bytes in the canonical dialect, raising ``InputError`` (with ``where``)
    when they are not: UTF-8 without a byte-order mark, RFC 8259 JSON (no ``NaN`` or
    ``Infinity``), integers only (no fraction or exponent), no key twice in one object,
    every string (keys too) in Unicode NFC (docs/record-format.md §1)."""
    try:
        value = json.loads(
            data.decode("utf-8"),
            parse_float=_no_float,
            parse_constant=_no_float,
            object_pairs_hook=_strict_object,
        )
    except (UnicodeDecodeError, json.JSONDecodeError, ValueError) as exc:
        raise InputError(f"not valid UTF-8 JSON: {exc}", where=where) from exc
    if not isinstance(value, dict):  # objects were checked as they were built
        try:
            _check_nfc(value)
        except ValueError as exc:
            raise InputError(f"not valid UTF-8 JSON: {exc}", where=where) from exc
    return value


def _no_float(text: str) -> Any:
    raise ValueError(f"floats are not allowed ({text})")


def _check_nfc(value: Any) -> None:
    """Strings of ``value`` outside objects (objects check theirs in ``_strict_object``)."""
    if isinstance(value, str):
        if value.isascii():
            return
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise ValueError("a string holds a lone surrogate (not UTF-8 text)") from None
        if not unicodedata.is_normalized("NFC", value):
            raise ValueError("a string is not in Unicode NFC")
    elif isinstance(value, list):
        for item in value:
            if not isinstance(item, dict):
                _check_nfc(item)


def _strict_object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise ValueError(f"the key {key!r} appears twice in one object")
        _check_nfc(key)
        if not isinstance(value, dict):
            _check_nfc(value)
        out[key] = value
    return out


def to_hex(data: bytes) -> str:
    """Lowercase hex, the record's encoding of bytes."""
    return data.hex()


def from_hex(text: Any, *, size: int | None = None, where: str) -> bytes:
    """Decode lowercase hex (of exactly ``size`` bytes when given), or raise ``InputError``."""
    if not isinstance(text, str) or text != text.lower():
        raise InputError("expected a lowercase hex string", where=where)
    try:
        data = bytes.fromhex(text)
    except ValueError as exc:
        raise InputError("not a hex string", where=where) from exc
    if len(text) != 2 * len(data):
        raise InputError("hex without whitespace is expected", where=where)
    if size is not None and len(data) != size:
        raise InputError(f"expected {size} bytes, got {len(data)}", where=where)
    return data


def tagged_hash(tag: str, *parts: bytes) -> bytes:
    """SHA-256(len(tag) ‖ tag ‖ len(p1) ‖ p1 ‖ …), each length an 8-byte big-endian integer."""
    h = hashlib.sha256()
    for part in (tag.encode("ascii"), *parts):
        h.update(len(part).to_bytes(8, "big"))
        h.update(part)
    return h.digest()


def as_obj(value: Any, where: str) -> Mapping[str, Any]:
    """``value`` if it is a JSON object, else ``InputError`` at ``where``."""
    if not isinstance(value, Mapping):
        raise InputError("expected an object", where=where)
    return value


def as_list(value: Any, where: str) -> list[Any]:
    """``value`` if it is a JSON list, else ``InputError`` at ``where``."""
    if not isinstance(value, list):
        raise InputError("expected a list", where=where)
    return value


def as_str(value: Any, where: str) -> str:
    """``value`` if it is a string, else ``InputError`` at ``where``."""
    if not isinstance(value, str):
        raise InputError("expected a string", where=where)
    return value


def as_int(value: Any, where: str) -> int:
    """``value`` if it is an integer (not a boolean), else ``InputError`` at ``where``."""
    if not isinstance(value, int) or isinstance(value, bool):
        raise InputError("expected an integer", where=where)
    return value
