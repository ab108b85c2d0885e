"""Anonymity of breakdowns and comment lists (bảo vệ danh tính người đánh giá).

Two rules, applied to a set of groups that would be shown together (each group is the set
of raters behind one breakdown row or comment list):

1. a group with fewer than ``min_group`` raters is not shown (default 5, never under 3);
2. difference attack: if groups A ⊂ B are both shown and ``|B \\ A| < min_group``, the
   raters in B but not in A could be read off as "B minus A"; A is suppressed. This repeats
   until no such pair remains (suppressing only removes pairs, so it ends).

The rule covers one shown group inside another. A difference built from three or more shown
groups (B minus A1 minus A2) is outside it; docs/evaluation.md says so.
"""

from __future__ import annotations

from collections.abc import Collection, Hashable, Mapping
from dataclasses import dataclass

from tinnhiem.evaluation.errors import AnonymityConfigError
from tinnhiem.evaluation.policy import MIN_GROUP_FLOOR

__all__ = ["DEFAULT_MIN_GROUP", "GroupDecision", "check_min_group", "suppress_groups"]

DEFAULT_MIN_GROUP = 5


@dataclass(frozen=True)
class GroupDecision:
    """Whether one group is shown, and why not."""

    name: str
    size: int
    shown: bool
    reason_vi: str = ""
    reason_en: str = ""


def check_min_group(min_group: int) -> int:
    """Validate a configured minimum group size; raises under the floor of 3."""
    if isinstance(min_group, bool) or not isinstance(min_group, int) or min_group < MIN_GROUP_FLOOR:
        raise AnonymityConfigError(
            f"nhóm tối thiểu phải ≥ {MIN_GROUP_FLOOR} / the minimum group size must be at least "
            f"{MIN_GROUP_FLOOR}, got {min_group!r}",
            where="anonymity.min_group",
        )
    return min_group


def suppress_groups(
    groups: Mapping[str, Collection[Hashable]], *, min_group: int = DEFAULT_MIN_GROUP
) -> dict[str, GroupDecision]:
    """Decide which groups may be shown together (see the module docstring)."""
    check_min_group(min_group)
    members = {name: frozenset(raters) for name, raters in groups.items()}
    decisions: dict[str, GroupDecision] = {}
    for name, raters in members.items():
        if len(raters) < min_group:
            decisions[name] = GroupDecision(
                name,
                len(raters),
                False,
                f"dưới {min_group} người đánh giá",
                f"fewer than {min_group} raters",
            )
    changed = True
    while changed:
        changed = False
        shown = sorted(
            (n for n in members if n not in decisions), key=lambda n: (len(members[n]), n)
        )
        for small in shown:
            for big in shown:
                a, b = members[small], members[big]
                if a < b and len(b - a) < min_group:
                    rest = len(b - a)
                    decisions[small] = GroupDecision(
                        small,
                        len(a),
                        False,
                        f"'{big}' trừ '{small}' sẽ lộ {rest} người",
                        f"'{big}' minus '{small}' would reveal {rest} rater(s)",
                    )
                    changed = True
                    break
            if changed:
                break
    return {
        name: decisions.get(name, GroupDecision(name, len(raters), True))
        for name, raters in members.items()
    }
