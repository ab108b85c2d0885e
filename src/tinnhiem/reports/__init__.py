"""tinnhiem.reports — the tally minutes (biên bản kiểm phiếu) as PDF, XLSX and CSV.

:class:`MinutesData` is the one structure every output reads; build it from a paper round
(:func:`minutes_from_paper`), from an electronic election record
(:func:`minutes_from_record`) or from counts (:func:`minutes_from_counts`), then call
:func:`render_minutes` with ``"pdf"``, ``"xlsx"`` or ``"csv"``.
"""

from __future__ import annotations

from tinnhiem.errors import InputError
from tinnhiem.reports.from_record import minutes_from_record, record_rule
from tinnhiem.reports.minutes import (
    CommitteeLine,
    LogLine,
    MinutesData,
    MinutesRow,
    TallyInput,
    describe_event,
    minutes_from_counts,
    minutes_from_paper,
    percent_vi,
)
from tinnhiem.reports.pdf import minutes_html, render_minutes_pdf
from tinnhiem.reports.personnel import (
    PersonnelMinutes,
    personnel_minutes_from_paper,
    personnel_minutes_from_record,
    personnel_minutes_html,
    render_personnel_minutes,
)
from tinnhiem.reports.tables import csv_header, render_minutes_csv, render_minutes_xlsx

__all__ = [
    "FORMATS",
    "CommitteeLine",
    "LogLine",
    "MinutesData",
    "MinutesRow",
    "PersonnelMinutes",
    "TallyInput",
    "csv_header",
    "describe_event",
    "minutes_from_counts",
    "minutes_from_paper",
    "minutes_from_record",
    "minutes_html",
    "percent_vi",
    "personnel_minutes_from_paper",
    "personnel_minutes_from_record",
    "personnel_minutes_html",
    "record_rule",
    "render_minutes",
    "render_minutes_csv",
    "render_minutes_pdf",
    "render_minutes_xlsx",
    "render_personnel_minutes",
]

FORMATS = ("pdf", "xlsx", "csv")


def render_minutes(data: MinutesData, fmt: str, language: str = "vi") -> bytes:
    """The minutes in ``fmt`` (``pdf``, ``xlsx`` or ``csv``); the PDF in ``language``
    (``vi``, the signed form, or ``en``)."""
    if fmt == "pdf":
        return render_minutes_pdf(data, language)
    if fmt == "xlsx":
        return render_minutes_xlsx(data)
    if fmt == "csv":
        return render_minutes_csv(data)
    raise InputError(f"unknown format {fmt!r}: use pdf, xlsx or csv", where="--format")
