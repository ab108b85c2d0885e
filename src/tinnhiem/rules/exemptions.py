"""Who is not polled (trường hợp không lấy phiếu tín nhiệm), decided from rule data."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date

from tinnhiem.errors import InputError
from tinnhiem.rules.model import ExemptionKind, ExemptionRule, Rule

__all__ = ["Exemption", "OfficialFacts", "add_months", "check_exemption"]


@dataclass(frozen=True)
class OfficialFacts:
    """What the organiser knows about one official at the poll.

    ``took_office``: the date elected, approved or appointed to the post being rated.
    ``serious_illness_months``: consecutive whole months off work on certified sick leave
    for a serious illness (nghỉ chữa bệnh hiểm nghèo có xác nhận), up to the poll date.
    """

    poll_date: date
    took_office: date | None = None
    retirement_notice: bool = False
    serious_illness_months: int = 0


@dataclass(frozen=True)
class Exemption:
    """An official excluded from the poll, with the reason shown beside the name."""

    code: str
    reason_vi: str
    reason_en: str
    citation: str
    rule_id: str


def add_months(start: date, months: int) -> date:
    """``start`` plus whole calendar months, clamped to the month's last day."""
    index = start.month - 1 + months
    year, month = start.year + index // 12, index % 12 + 1
    day = min(start.day, calendar.monthrange(year, month)[1])
    return date(year, month, day)


def _applies(spec: ExemptionRule, facts: OfficialFacts) -> bool:
    if spec.kind is ExemptionKind.RETIREMENT_NOTICE:
        return facts.retirement_notice
    if spec.kind is ExemptionKind.TOOK_OFFICE_IN_POLL_YEAR:
        return facts.took_office is not None and facts.took_office.year == facts.poll_date.year
    months = spec.months or 0
    if spec.kind is ExemptionKind.SERIOUS_ILLNESS:
        return facts.serious_illness_months >= months
    # IN_POST_UNDER: in post for less than ``months`` whole months on the poll date.
    return facts.took_office is not None and facts.poll_date < add_months(facts.took_office, months)


def check_exemption(rule: Rule, facts: OfficialFacts) -> Exemption | None:
    """The first exemption of ``rule`` that applies to the official, or None."""
    if facts.serious_illness_months < 0:
        raise InputError(
            "serious_illness_months must not be negative", where="serious_illness_months"
        )
    if facts.took_office is not None and facts.took_office > facts.poll_date:
        raise InputError(
            f"took_office ({facts.took_office}) is after the poll date ({facts.poll_date})",
            where="took_office",
        )
    for spec in rule.exemptions:
        if _applies(spec, facts):
            return Exemption(spec.code, spec.reason_vi, spec.reason_en, spec.citation, rule.id)
    return None
