"""The risk-limiting comparison audit of a counted paper round (kiểm tra xác suất sau kiểm
phiếu).

After the count, the chair types in the digits of dice rolled in the hall (the **seed**).
Rivest's SHA-256 sampler (:mod:`tinnhiem.audit.rla`) turns it into draws over the counted
sheets in the order of the **manifest** (every counted sheet by its serial, with its batch
and position when it was scanned), so the committee fetches each drawn sheet from its batch
and position, reads it again and enters what it says. Each reading is compared, row by row,
with the counted sheet (its cast-vote record): the Kaplan–Markov test of Stark's
super-simple method runs for every **assertion**, one per official and per threshold of the
rule's bands (e.g. "2L > N" and "3L ≥ 2N" under NQ 96/2023), on the side the count reported.
The audit stops when every assertion's P-value is at most the risk limit, or the committee
escalates to a full hand count. The method is this project's choice, not a legal rule.

Everything is derived again when the log is replayed: the plan from the counted state at
``audit_started``, each draw from the seed, and the recorded conclusion must equal the one
computed, so ``tinnhiem verify`` re-checks the audit from the log alone.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from tinnhiem.audit import (
    DEFAULT_GAMMA,
    Assertion,
    AuditError,
    agi_sample_size,
    draw_indices,
    km_p_value,
)
from tinnhiem.paper.errors import EntryRejected, PaperInputError
from tinnhiem.paper.model import Mark, RoundDefinition
from tinnhiem.rules import Denominator, load_rule

__all__ = [
    "AUDIT_METHOD",
    "DEFAULT_GAMMA",
    "MIN_SEED_DIGITS",
    "SAMPLER",
    "AuditConclusion",
    "AuditPlan",
    "AuditState",
    "Comparison",
    "SheetPlace",
    "audited_values",
    "check_seed",
    "parse_risk_limit",
    "plan_audit",
]

MIN_SEED_DIGITS = 20
"""Rivest's advice: at least 20 rolls of a ten-sided die (or digits of dice rolls)."""
AUDIT_METHOD = "kaplan-markov/super-simple (Stark 2010; Lindeman & Stark 2012)"
SAMPLER = "sha256 counter (Rivest 2011), with replacement"


def check_seed(seed: str) -> str:
    """The seed as typed (spaces removed): only digits, at least :data:`MIN_SEED_DIGITS`."""
    digits = "".join(seed.split())
    if not digits.isdigit() or len(digits) < MIN_SEED_DIGITS:
        raise PaperInputError(
            f"the seed must be at least {MIN_SEED_DIGITS} digits from dice rolled in the hall",
            where="audit seed",
        )
    return digits


@dataclass(frozen=True)
class SheetPlace:
    """Where a counted sheet is: its serial, and its batch and position if scanned."""

    serial: int
    batch: str = ""
    position: int = 0

    @property
    def label(self) -> str:
        if self.batch:
            return f"tập {self.batch}, vị trí {self.position} (phiếu số {self.serial})"
        return f"phiếu số {self.serial}"


@dataclass(frozen=True)
class AuditPlan:
    """What the audit checks: the manifest, the counted value of every row of every sheet,
    and the assertions (one per official and threshold)."""

    manifest: tuple[SheetPlace, ...]
    counted: Mapping[int, Mapping[str, str | None]]
    assertions: tuple[tuple[Assertion, str, str], ...]
    """Each assertion with the official id and the level it measures."""


@dataclass(frozen=True)
class Comparison:
    """One drawn sheet as the committee read it again, and where it differs from the count."""

    draw: int
    serial: int
    actor: str
    values: Mapping[str, str | None]
    differences: tuple[tuple[str, str | None, str | None], ...]


@dataclass(frozen=True)
class AuditConclusion:
    """``confirmed`` (every assertion met the risk limit) or ``full_hand_count``."""

    outcome: str
    draws: int
    p_values: Mapping[str, float]

    def to_dict(self) -> dict[str, Any]:
        return {
            "outcome": self.outcome,
            "draws": self.draws,
            "p_values": {k: f"{v:.6f}" for k, v in sorted(self.p_values.items())},
        }


def _row_value(value: str | None) -> str | None:
    return value if value is not None and Mark(value).is_valid else None


def plan_audit(
    definition: RoundDefinition,
    counted: Mapping[int, Mapping[str, str | None]],
    places: Mapping[int, SheetPlace],
    electronic: Mapping[str, Mapping[str, int]] | None,
) -> AuditPlan:
    """The plan for a counted paper round. ``counted`` maps each counted serial to its rows
    (official → the level counted, or ``None`` for no valid mark); ``electronic`` the counts
    of a mixed round's electronic part (not audited: they stay as counted)."""
    if definition.mode != "ballots":
        raise EntryRejected(
            "only a round whose sheets were entered one by one can be audited", where="audit"
        )
    rule = load_rule(definition.rule_id)
    if not rule.invalid_rows_in_base:
        raise EntryRejected(
            f"rule {rule.id}: the audit needs invalid rows in the base", where="audit"
        )
    serials = sorted(counted)
    if not serials:
        raise EntryRejected("no counted sheet to audit", where="audit")
    manifest = tuple(places.get(s, SheetPlace(s)) for s in serials)
    sheets = len(serials)
    thresholds: dict[tuple[str, Fraction, bool], None] = {}
    for band in rule.bands:
        if band.lower is not None:
            thresholds[(band.measure, band.lower.fraction, band.lower.inclusive)] = None
        if band.upper is not None:  # "< f" is the other side of ">= f"
            thresholds[(band.measure, band.upper.fraction, not band.upper.inclusive)] = None
    assertions = []
    for official in definition.officials:
        other = electronic.get(official.id, {}) if electronic else {}
        returned_electronic = sum(other.values())
        for measure, fraction, inclusive in thresholds:
            paper = sum(1 for s in serials if counted[s].get(official.id) == measure)
            count = paper + other.get(measure, 0)
            if rule.denominator is Denominator.MEMBERS:
                if definition.members is None:
                    raise EntryRejected(
                        "the rule counts over all members: give members", where="audit"
                    )
                base = definition.members
            else:
                base = sheets + returned_electronic
            left, right = fraction.denominator * count, fraction.numerator * base
            above = left >= right if inclusive else left > right
            # the threshold as a count of the audited sheets' rows: fraction·base − electronic
            threshold = (float(fraction) * base - other.get(measure, 0)) / sheets
            op = (">=" if inclusive else ">") if above else ("<" if inclusive else "<=")
            key = f"{official.id}:{measure}{op}{fraction}"
            assertions.append(
                (Assertion(key, above, threshold, paper, sheets), official.id, measure)
            )
    return AuditPlan(manifest, {s: dict(counted[s]) for s in serials}, tuple(assertions))


@dataclass
class AuditState:
    """An audit under way: started from the seed, the committee's readings, the end."""

    seed: str
    risk_limit: float
    gamma: float
    plan: AuditPlan
    started_by: str
    comparisons: list[Comparison] = field(default_factory=list)
    conclusion: AuditConclusion | None = None
    concluded_by: str = ""

    # --- the sample ---

    def draws(self, count: int, *, first: int = 1) -> list[SheetPlace]:
        """Draws ``first`` … ``first + count − 1``: the sheets to fetch, in order."""
        indices = draw_indices(self.seed, len(self.plan.manifest), count, first=first)
        return [self.plan.manifest[i - 1] for i in indices]

    def next_draw(self) -> SheetPlace:
        return self.draws(1, first=len(self.comparisons) + 1)[0]

    # --- the test ---

    def taints(self, assertion: Assertion, official: str, measure: str) -> list[float]:
        out = []
        for comparison in self.comparisons:
            counted = self.plan.counted[comparison.serial].get(official) == measure
            audited = comparison.values.get(official) == measure
            out.append(assertion.taint(counted, audited))
        return out

    def p_values(self) -> dict[str, float]:
        return {
            assertion.key: 0.0
            if assertion.trivial
            else km_p_value(assertion.margin, self.taints(assertion, official, measure), self.gamma)
            for assertion, official, measure in self.plan.assertions
        }

    def confirmed(self) -> bool:
        return all(p <= self.risk_limit for p in self.p_values().values())

    def sample_size(self) -> int | None:
        """How many draws in all the audit plans for now (AGI's rule with the discrepancies
        seen so far), or ``None`` when it cannot stop short of a full hand count (a margin
        of zero or less, or more draws than there are sheets)."""
        needed = len(self.comparisons)
        for assertion, official, measure in self.plan.assertions:
            if assertion.trivial:
                continue
            if assertion.margin <= 0:
                return None
            taints = self.taints(assertion, official, measure)
            try:
                size = agi_sample_size(
                    self.risk_limit,
                    assertion.margin,
                    gamma=self.gamma,
                    o2=sum(1 for t in taints if t > 0),
                    u2=sum(1 for t in taints if t < 0),
                )
            except AuditError:
                return None
            needed = max(needed, size)
        if needed > len(self.plan.manifest):
            return None
        return needed

    def decide(self, escalate: bool) -> AuditConclusion:
        """The conclusion now: ``confirmed`` when every assertion meets the risk limit; else
        only an escalation to a full hand count may end the audit."""
        p_values = self.p_values()
        draws = len(self.comparisons)
        if not escalate:
            if not all(p <= self.risk_limit for p in p_values.values()):
                raise EntryRejected(
                    "the risk limit is not met yet: read more drawn sheets, or escalate to a "
                    "full hand count",
                    where="audit",
                )
            return AuditConclusion("confirmed", draws, p_values)
        return AuditConclusion("full_hand_count", draws, p_values)

    def compare(
        self, draw: int, serial: int, actor: str, values: Mapping[str, str | None]
    ) -> Comparison:
        counted = self.plan.counted[serial]
        differences = tuple(
            (official, counted.get(official), values.get(official))
            for official in counted
            if _row_value(counted.get(official)) != _row_value(values.get(official))
        )
        return Comparison(draw, serial, actor, dict(values), differences)


def audited_values(
    definition: RoundDefinition, marks: Sequence[Mark] | None
) -> dict[str, str | None]:
    """A committee reading as row values: each official's level, ``None`` for a row (or a
    whole sheet, ``marks`` None) with no valid mark."""
    if marks is None:
        return {o.id: None for o in definition.officials}
    if len(marks) != len(definition.officials):
        raise PaperInputError(
            f"{len(marks)} marks given, the ballot has {len(definition.officials)} officials",
            where="audit reading",
        )
    return {
        o.id: m.value if m.is_valid else None
        for o, m in zip(definition.officials, marks, strict=True)
    }


def parse_risk_limit(text: str) -> float:
    """A risk limit as typed: ``5%``, ``0.05`` or ``0,05``; between 0 and 0,5."""
    cleaned = text.strip().replace(",", ".")
    try:
        value = float(cleaned[:-1]) / 100 if cleaned.endswith("%") else float(cleaned)
    except ValueError as exc:
        raise PaperInputError(f"risk limit {text!r} is not a number", where="audit") from exc
    if not 0 < value <= 0.5 or math.isnan(value):
        raise PaperInputError("the risk limit must be above 0 and at most 50%", where="audit")
    return value
