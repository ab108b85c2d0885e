"""Turning an evaluation into rows for the templates (numbers formatted, exact fractions
shown as ``n/d ≈ 0.xxxx``, suppressed breakdowns replaced by their reason)."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from tinnhiem.evaluation import OfficialEvaluation
from tinnhiem.reports import percent_vi
from tinnhiem.web.lib.evaluation import RoundEvaluation

__all__ = ["exact", "interval", "legal_row", "official_row", "work_parts"]

LEVELS = ("high", "confident", "low")


def exact(value: Fraction | None) -> str:
    """``328/425 ≈ 0.7718``; integers stay whole."""
    if value is None:
        return "—"
    if value.denominator == 1:
        return str(value.numerator)
    return f"{value.numerator}/{value.denominator} ≈ {float(value):.4f}"


def interval(low: float, high: float) -> str:
    return f"{low:.3f} – {high:.3f}"


def legal_row(ev: RoundEvaluation, name: str) -> dict[str, Any] | None:
    """The official's line of the legal tally, exactly as the minutes print it."""
    row = ev.legal_rows.get(name)
    if row is None:
        return None
    return {
        "issued": row.issued,
        "returned": row.returned,
        "levels": [
            (level, row.count(level), percent_vi(row.percentages[level]))
            for level in LEVELS
            if level in row.counts
        ],
        "unmarked": row.unmarked,
        "base": row.base,
        "band_vi": row.band_vi,
        "band_en": row.band_en,
        "consequences": row.consequences,
    }


def official_row(ev: RoundEvaluation, row: OfficialEvaluation) -> dict[str, Any]:
    hidden = ev.suppressed.get(row.official)
    share = None
    if row.share is not None and hidden is None:
        share = {
            "k": row.share.k,
            "n": row.share.n,
            "raw": f"{row.share.k / row.share.n:.3f}" if row.share.n else "—",
            "wilson": interval(row.share.wilson.low, row.share.wilson.high),
            "jeffreys": interval(row.share.jeffreys.low, row.share.jeffreys.high),
            "shrunk": f"{row.share.shrunk:.3f}",
            "shrunk_interval": interval(
                row.share.shrunk_interval.low, row.share.shrunk_interval.high
            ),
        }
    flag = None
    if row.flag is not None and hidden is None:
        flag = {
            "kind": row.flag.flag.value if row.flag.flag else "",
            "text_vi": row.flag.flag.text_vi if row.flag.flag else "",
            "text_en": row.flag.flag.text_en if row.flag.flag else "",
            "z": f"{row.flag.z:+.2f}",
            "above": f"{row.flag.frequency_above:.0%}",
            "below": f"{row.flag.frequency_below:.0%}",
        }
    rating = row.rating
    return {
        "name": row.official,
        "position": row.position,
        "unit": row.unit,
        "legal": legal_row(ev, row.official),
        "work": exact(row.work.score) if row.work else "—",
        "work_float": f"{float(row.work.score):.3f}" if row.work else "—",
        "share": share,
        "hidden": hidden,
        "flag": flag,
        "points": exact(rating.points) if rating.points is not None else "—",
        "rating_vi": rating.rating.text_vi if rating.rating else "—",
        "rating_en": rating.rating.text_en if rating.rating else "—",
        "reasons": rating.reasons,
        "consequences": row.consequences,
    }


def work_parts(row: OfficialEvaluation) -> list[dict[str, Any]]:
    """Each assignment the official owns, with the factors of ``s = c · t · q``."""
    if row.work is None:
        return []
    parts = []
    for part, share in row.work.parts:
        a = part.assignment
        parts.append(
            {
                "id": a.id,
                "title": a.title,
                "lead": a.lead == row.official,
                "due": a.due,
                "weight": exact(a.weight),
                "share": exact(share),
                "verified": exact(part.verified),
                "ambitious": a.ambitious_flagged_on is not None,
                "completion": exact(part.completion),
                "finished_on": part.finished_on,
                "days_late": part.days_late,
                "excused": sum(e.days for e in a.excuses),
                "timeliness": exact(part.timeliness),
                "reviewed": part.reviewed,
                "quality": exact(part.quality),
                "score": exact(part.score),
            }
        )
    return parts
