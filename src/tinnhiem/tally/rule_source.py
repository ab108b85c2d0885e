"""The exact text of the rule version a round uses, so the record can carry it.

A record embeds the rule's TOML text and its SHA-256; a verifier re-evaluates every
consequence from that text, and can compare the digest with the rule it trusts.
"""

from __future__ import annotations

import hashlib
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

from tinnhiem.errors import InputError
from tinnhiem.rules import Rule, RuleError, builtin_rule_ids, load_rule, parse_rule

__all__ = ["RuleSource", "data_file_text", "load_rule_source", "parse_text", "rule_digest"]

T = TypeVar("T")


def parse_text(
    text: str, parse: Callable[[Any, str], T], *, what: str, invalid: str, where: str
) -> T:
    """Parse an embedded data file's text (a rule or a procedure) with ``parse``;
    ``InputError`` naming ``where``. One leading byte-order mark is not part of the file,
    here as in a file on disk (rules.md, "The file format"); a digest is still over the
    text as carried."""
    try:
        return parse(tomllib.loads(text.removeprefix("\ufeff")), where)
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"the {what} text is not TOML: {exc}", where=where) from exc
    except RuleError as exc:
        raise InputError(f"{invalid}: {exc}", where=where) from exc


def data_file_text(
    id_or_path: str | Path, path: Path | None, builtin_ids: Callable[[], list[str]]
) -> str:
    """The exact text of a built-in data file (by id, from the package) or of the file a
    rule or procedure was loaded from (``path``)."""
    name = str(id_or_path)
    if path is None and name in builtin_ids():
        entry = resources.files("tinnhiem.rules").joinpath("data", f"{name}.toml")
        return entry.read_text(encoding="utf-8")
    return (path if path is not None else Path(name)).read_text(encoding="utf-8-sig")


def rule_digest(text: str) -> str:
    """``sha256:`` and the hex SHA-256 of the rule text's UTF-8 bytes (record-format §3.2)."""
    return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class RuleSource:
    """A rule version with its file text; ``digest`` is ``sha256:<hex>`` of the UTF-8 text."""

    rule: Rule
    text: str

    @property
    def id(self) -> str:
        return self.rule.id

    @property
    def digest(self) -> str:
        return rule_digest(self.text)

    @classmethod
    def from_text(cls, text: str, *, where: str = "rule") -> RuleSource:
        """Parse an embedded rule text (raises ``InputError`` naming ``where``)."""
        rule = parse_text(
            text, parse_rule, what="rule", invalid="the rule text is not a valid rule", where=where
        )
        return cls(rule, text)


def load_rule_source(id_or_path: str | Path) -> RuleSource:
    """A built-in rule by id or a custom rule file, with its text (``RuleError`` if unknown)."""
    rule = load_rule(id_or_path)
    return RuleSource(rule, data_file_text(id_or_path, rule.path, builtin_rule_ids))
