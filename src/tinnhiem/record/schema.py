"""The strict record (step 0 of the verification): docs/record.schema.json, then the orders
the format states that a JSON Schema cannot say.

A record has one spelling: exactly the keys the format names at every level, bytes as
lowercase hex without whitespace, the committee's messages one per member in member
order, the decryption shares and the head signatures in the order of ``present``. The first
thing that breaks it raises ``RecordInvalid`` (check ``schema``) naming its JSON path, e.g.
``ballots[3].rows[1].ct``. Nothing else of the record is read before this passes.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from functools import cache
from importlib import resources
from typing import Any

from jsonschema import Draft202012Validator, validators
from jsonschema.exceptions import ValidationError

from tinnhiem.record.errors import RecordInvalid

__all__ = [
    "check_ballot_json",
    "check_header_json",
    "check_record_json",
    "json_path",
    "record_schema",
]


@cache
def record_schema() -> dict[str, Any]:
    """The record's JSON Schema (draft 2020-12), as shipped in docs/record.schema.json."""
    text = resources.files("tinnhiem.record").joinpath("record.schema.json").read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


def _ecma_pattern(validator: Any, pattern: str, instance: Any, schema: Any) -> Any:
    """``pattern`` as JSON Schema defines it (ECMA-262): ``$`` is the end of the string.
    Python's ``$`` also matches before a final newline, so ``"…ab\\n"`` would pass."""
    if isinstance(instance, str) and not re.search(_ecma_regex(pattern), instance):
        yield ValidationError(f"{instance!r} does not match {pattern!r}")


@cache
def _ecma_regex(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern[:-1] + r"\Z" if pattern.endswith("$") else pattern)


_Strict = validators.extend(Draft202012Validator, {"pattern": _ecma_pattern})


@cache
def _validator(part: str) -> Any:
    schema = record_schema()
    if part != "record":
        schema = {**schema, "$ref": f"#/$defs/{part}"}
        for key in ("type", "required", "properties", "additionalProperties"):
            schema.pop(key, None)
    return _Strict(schema)


def json_path(parts: Iterable[str | int], root: str = "") -> str:
    """``("ballots", 3, "rows", 1, "ct")`` → ``ballots[3].rows[1].ct``."""
    out = root
    for p in parts:
        if isinstance(p, int):
            out += f"[{p}]"
        else:
            out += f".{p}" if out else str(p)
    return out or "record"


def _fail(where: str, message: str) -> RecordInvalid:
    return RecordInvalid("schema", message, where=where)


def _first(errors: Iterable[ValidationError]) -> ValidationError | None:
    """The error at the first place in document order (deepest where one contains another),
    so that two runs, or a streaming and a whole-file reader, name the same field."""

    def descend(e: ValidationError) -> ValidationError:
        # oneOf/anyOf: say why the closest alternative failed.
        while e.context:
            e = min(e.context, key=lambda c: (-len(c.absolute_path), c.relative_schema_path[0]))
        return e

    def place(e: ValidationError) -> list[tuple[int, int | str]]:
        return [(0, p) if isinstance(p, int) else (1, str(p)) for p in e.absolute_path]

    found = [descend(e) for e in errors]
    return min(found, key=place) if found else None


def _raise_first(validator: Any, data: Any, root: str) -> None:
    error = _first(validator.iter_errors(data))
    if error is None:
        return
    parts: list[str | int] = list(error.absolute_path)
    message = error.message
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        allowed = set(error.schema.get("properties", {}))
        extra = sorted(k for k in error.instance if k not in allowed)
        if extra:
            parts.append(extra[0])
            message = f"unknown key {extra[0]!r}: the format names only {sorted(allowed)}"
    elif "propertyNames" in error.absolute_schema_path:
        parts.append(str(error.instance))
        message = f"{error.instance!r} is not a member number (1, 2 …)"
    elif error.validator == "pattern":
        message = f"{_short(error.instance)} is not {_pattern_name(error.validator_value)}"
    raise _fail(json_path(parts, root), f"does not follow the record schema: {message}")


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "…'"


def _pattern_name(pattern: Any) -> str:
    text = str(pattern)
    if "0-9a-f" in text:
        return "lowercase hex of the right length, without whitespace"
    if "A-Z2-7" in text:
        return "a tracker (13 groups of 4 base32 characters)"
    return f"of the form {text}"


def check_record_json(data: Any) -> None:
    """The whole record (one JSON document): the schema, then the orders."""
    _raise_first(_validator("record"), data, "")
    check_orders(data)


def check_header_json(data: Any) -> None:
    """The header line of a streaming record: the schema, then the orders."""
    _raise_first(_validator("header"), data, "")
    check_orders(data)


def check_ballot_json(data: Any, index: int) -> None:
    """One ballot (``ballots[index]``), e.g. one line of a streaming record."""
    _raise_first(_validator("ballot"), data, f"ballots[{index}]")


def check_orders(data: dict[str, Any]) -> None:
    """What the format orders and a JSON Schema cannot: one commit and one reveal per
    committee member, in member order, each reveal with shares for exactly the other
    members and ``t`` commitments; ``verification_keys`` for members 1 … n; decryption
    shares and head signatures in the order of ``present``, which ascends."""
    manifest = data["manifest"]
    n = len(manifest["committee"]["members"])
    t = manifest["committee"]["threshold"]
    committee = data["committee"]
    for name in ("commits", "reveals"):
        items = committee[name]
        for i, item in enumerate(items):
            if item["member"] != i + 1:
                raise _fail(
                    f"committee.{name}[{i}].member",
                    f"is {item['member']}: {name} are one per member, in member order ({i + 1})",
                )
        if len(items) != n:
            raise _fail(
                f"committee.{name}[{n}]" if len(items) > n else f"committee.{name}",
                f"{len(items)} {name} for a committee of {n} members: exactly one each",
            )
    for i, reveal in enumerate(committee["reveals"]):
        others = {str(m) for m in range(1, n + 1) if m != i + 1}
        if set(reveal["shares"]) != others:
            extra = sorted(set(reveal["shares"]) - others)
            where = f"committee.reveals[{i}].shares"
            raise _fail(
                f"{where}.{extra[0]}" if extra else where,
                "sealed shares go to exactly every other member",
            )
        if len(reveal["commitments"]) != t:
            raise _fail(
                f"committee.reveals[{i}].commitments", f"exactly t = {t} commitments are needed"
            )
    keys = committee["key"]["verification_keys"]
    if set(keys) != {str(m) for m in range(1, n + 1)}:
        raise _fail("committee.key.verification_keys", f"one key for each member 1 … {n}")
    decryption = data["decryption"]
    present = decryption["present"]
    if present != sorted(present):
        raise _fail("decryption.present", f"is {present}: the members ascend")
    ordered = (("decryption.shares", decryption["shares"]), ("signatures", data["signatures"]))
    for name, items in ordered:
        for i, item in enumerate(items):
            if i >= len(present):
                raise _fail(f"{name}[{i}]", f"member {item['member']} is not in present")
            if item["member"] != present[i]:
                raise _fail(
                    f"{name}[{i}].member",
                    f"is {item['member']}: one per member of present, in its order ({present[i]})",
                )
        if len(items) < len(present):
            raise _fail(name, f"member {present[len(items)]} of present is missing")
