"""The rule versions a round may use (built-in ones only: a web form never names a file)."""

from __future__ import annotations

from functools import lru_cache

from django.utils.translation import get_language

from tinnhiem.rules import Rule, builtin_rule_ids, list_rules, load_rule

__all__ = ["builtin_rule", "rule_choices", "rule_title"]


@lru_cache(maxsize=1)
def _rules() -> dict[str, Rule]:
    return {rule.id: rule for rule in list_rules()}


def builtin_rule(rule_id: str) -> Rule | None:
    """The built-in rule ``rule_id``, or None when there is no such built-in rule."""
    if rule_id not in builtin_rule_ids():
        return None
    return _rules().get(rule_id) or load_rule(rule_id)


def rule_title(rule: Rule) -> str:
    """The rule's title in the active language."""
    return rule.title_en if (get_language() or "vi").startswith("en") else rule.title_vi


def rule_choices(kind: str | None = None) -> list[tuple[str, str]]:
    """``(id, "id — title")`` for each built-in rule (of ``kind``, when given)."""
    return [
        (rule.id, f"{rule.id} — {rule_title(rule)}")
        for rule in _rules().values()
        if kind is None or str(rule.kind) == kind
    ]
