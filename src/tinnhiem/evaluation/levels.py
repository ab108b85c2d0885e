"""Rating levels (mức xếp loại) and disqualifying findings: plain values shared by the work
programme file and the rating suggestion."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from tinnhiem.evaluation.policy import EvaluationPolicy

__all__ = ["Finding", "FindingKind", "OfficialInfo", "Rating"]


class Rating(StrEnum):
    """The four annual rating levels (mức xếp loại)."""

    EXCELLENT = "excellent"
    GOOD = "good"
    COMPLETED = "completed"
    NOT_COMPLETED = "not_completed"

    @property
    def text_vi(self) -> str:
        """Vietnamese name of the level."""
        return {
            "excellent": "Hoàn thành xuất sắc nhiệm vụ",
            "good": "Hoàn thành tốt nhiệm vụ",
            "completed": "Hoàn thành nhiệm vụ",
            "not_completed": "Không hoàn thành nhiệm vụ",
        }[self.value]

    @property
    def short_vi(self) -> str:
        """Short Vietnamese name, for tables."""
        return {
            "excellent": "Xuất sắc",
            "good": "Tốt",
            "completed": "Hoàn thành",
            "not_completed": "Không hoàn thành",
        }[self.value]

    @property
    def text_en(self) -> str:
        """English name of the level."""
        return {
            "excellent": "excellent",
            "good": "good",
            "completed": "completed",
            "not_completed": "not completed",
        }[self.value]


class FindingKind(StrEnum):
    """Findings that make the rating "not completed" whatever the points."""

    DISCIPLINE = "discipline"  # bị kỷ luật (the level decides)
    DEGRADATION = "degradation"  # suy thoái về tư tưởng chính trị, đạo đức, lối sống
    CORRUPTION_IN_UNIT = "corruption_in_unit"  # để xảy ra tham nhũng trong đơn vị phụ trách


@dataclass(frozen=True)
class Finding:
    """A proven finding about an official in the year, with the document that states it."""

    official: str
    kind: FindingKind
    source: str
    level: str = ""  # discipline level: reprimand (khiển trách), warning (cảnh cáo), …
    detail: str = ""
    on: date | None = None

    def disqualifies(self, policy: EvaluationPolicy) -> bool:
        """True when the finding alone makes the rating "not completed"."""
        if self.kind is FindingKind.DISCIPLINE:
            return self.level in policy.disqualifying_discipline
        return True


@dataclass(frozen=True)
class OfficialInfo:
    """What the programme file says about an official: unit (for the quota), last year's
    rating (for "not completed two years running")."""

    official: str
    unit: str = ""
    previous_rating: Rating | None = None
