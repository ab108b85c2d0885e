"""Errors of the evaluation package (đánh giá, xếp loại).

::

    TinnhiemError
    ├── EvaluationError            an evaluation cannot be computed (too little data, …)
    │   └── PolicyLockedError      a locked policy was changed or swapped after the cycle start
    └── InputError
        ├── PolicyError            a policy file or value is malformed
        ├── ProgrammeError         a work programme breaks a rule (shares, dates, verifier, …)
        │   └── AmbitiousFlagError an "ambitious" flag set after the cycle started
        ├── ProgrammeImportError   a CSV/XLSX file has errors (all of them, by line and column)
        └── AnonymityConfigError   a minimum group size under the hard floor of 3
"""

from __future__ import annotations

from dataclasses import dataclass

from tinnhiem.errors import InputError, TinnhiemError

__all__ = [
    "AmbitiousFlagError",
    "AnonymityConfigError",
    "EvaluationError",
    "ImportIssue",
    "PolicyError",
    "PolicyLockedError",
    "ProgrammeError",
    "ProgrammeImportError",
]


class EvaluationError(TinnhiemError):
    """An evaluation cannot be computed as asked."""


class PolicyLockedError(EvaluationError):
    """The evaluation policy is locked (the cycle has started) and may not change."""


class PolicyError(InputError):
    """A policy file or value is malformed."""


class ProgrammeError(InputError):
    """A work programme (đề án) breaks a rule; ``field`` names the offending field."""

    def __init__(
        self, message: str, *, where: str | None = None, field: str = "", item: object = None
    ) -> None:
        self.field = field
        self.item = item  # the offending milestone, update, review, excuse or share, if any
        super().__init__(message, where=where)


class AmbitiousFlagError(ProgrammeError):
    """An assignment was flagged ambitious (dám nghĩ dám làm) after the cycle's start."""


class AnonymityConfigError(InputError):
    """A minimum group size below the hard floor (3)."""


@dataclass(frozen=True)
class ImportIssue:
    """One problem in an imported file: where (file, line or row, column) and what."""

    file: str
    line: int
    column: str
    message: str
    line_word: str = "line"  # "row" for a spreadsheet

    def __str__(self) -> str:
        return f"{self.file}, {self.line_word} {self.line}, column {self.column}: {self.message}"


class ProgrammeImportError(InputError):
    """A work-programme file has errors; ``issues`` lists every one, nothing is imported."""

    def __init__(self, file: str, issues: list[ImportIssue]) -> None:
        self.issues = tuple(issues)
        shown = "\n".join(f"  {issue}" for issue in issues[:50])
        more = f"\n  … and {len(issues) - 50} more" if len(issues) > 50 else ""
        super().__init__(
            f"{len(issues)} error(s); nothing was imported / có lỗi, không nhập gì:\n{shown}{more}",
            where=file,
        )
