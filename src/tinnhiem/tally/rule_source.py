"""The exact text of the rule version a round uses, so the record can carry it.

A record embeds the rule's TOML text and its SHA-256; a verifier re-evaluates every
consequence from that text, and can compare the digest with the rule it trusts.
"""

from __future__ import annotations

import hashlib
import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from tinnhiem.errors import InputError
from tinnhiem.rules import Rule, RuleError, builtin_rule_ids, load_rule, parse_rule

__all__ = ["RuleSource", "load_rule_source", "rule_digest"]


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
        try:
            # One leading byte-order mark is not part of the rule, here as in a rule file
            # (rules.md, "The file format"); the digest is still over the text as carried.
            data = tomllib.loads(text.removeprefix("\ufeff"))
            return cls(parse_rule(data, where), text)
        except tomllib.TOMLDecodeError as exc:
            raise InputError(f"the rule text is not TOML: {exc}", where=where) from exc
        except RuleError as exc:
            raise InputError(f"the rule text is not a valid rule: {exc}", where=where) from exc


def load_rule_source(id_or_path: str | Path) -> RuleSource:
    """A built-in rule by id or a custom rule file, with its text (``RuleError`` if unknown)."""
    rule = load_rule(id_or_path)
    text_id = str(id_or_path)
    if rule.path is None and text_id in builtin_rule_ids():
        entry = resources.files("tinnhiem.rules").joinpath("data", f"{text_id}.toml")
        text = entry.read_text(encoding="utf-8")
    else:
        path = rule.path if rule.path is not None else Path(text_id)
        text = path.read_text(encoding="utf-8-sig")
    return RuleSource(rule, text)
