"""Importing a year's work programme (chương trình công tác, đề án) for a round's
evaluation. The file is checked in full by ``tinnhiem.evaluation`` first: every problem is
reported by line (CSV) or row (XLSX) and column, and nothing is stored unless all is well."""

from __future__ import annotations

import csv
import hashlib
import io
import tempfile
from dataclasses import replace
from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext as _

from tinnhiem.errors import InputError
from tinnhiem.evaluation import (
    ImportIssue,
    ProgrammeImportError,
    WorkProgramme,
    load_programme,
    parse_programme_csv,
)
from tinnhiem.text import UnsafeText, clean_text
from tinnhiem.web.actions.audit import audit
from tinnhiem.web.actions.errors import ActionError
from tinnhiem.web.lib.access import Actor, ensure_role
from tinnhiem.web.lib.text import unsafe_text_message
from tinnhiem.web.lib.uploads import UploadRefused, check_size, check_spreadsheet
from tinnhiem.web.models import Role, Round
from tinnhiem.web.models.evaluation import ProgrammeUpload

__all__ = [
    "MAX_PROGRAMME_BYTES",
    "MAX_PROGRAMME_ROWS",
    "do_import_programme",
    "parse_programme",
    "programme_of",
]

MAX_PROGRAMME_BYTES = 5 * 1024 * 1024
MAX_PROGRAMME_ROWS = 20_000


def _cells(data: bytes, suffix: str) -> list[tuple[int, list[tuple[str, object]]]]:
    """(line or row, [(column label, value)]) of every row, for the text check; a file that
    does not read is left to the parser, which says why."""
    out: list[tuple[int, list[tuple[str, object]]]] = []
    if suffix == ".csv":
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            return out
        reader = csv.reader(io.StringIO(text, newline=""))
        header: list[str] = []
        try:
            for values in reader:
                header = header or [v.strip() for v in values]
                labels = [header[i] if i < len(header) else f"#{i + 1}" for i in range(len(values))]
                out.append((reader.line_num, list(zip(labels, values, strict=True))))
        except csv.Error:
            return out
        return out
    from openpyxl import load_workbook
    from openpyxl.utils import get_column_letter

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:
        return out
    for sheet in book.worksheets:
        for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
            labels = [get_column_letter(i + 1) for i in range(len(row))]
            out.append((number, list(zip(labels, row, strict=True))))
            if number > MAX_PROGRAMME_ROWS + 1:
                break
    book.close()
    return out


def _unsafe_text(data: bytes, name: str, suffix: str) -> list[ImportIssue]:
    """Every cell refused by the text gate (control or text-direction characters, only
    invisible characters), by line or row and column, in the user's language."""
    issues = []
    word = "dòng" if suffix == ".csv" else "hàng"
    for line, cells in _cells(data, suffix):
        for label, value in cells:
            if isinstance(value, str):
                try:
                    clean_text(value, multiline=True)
                except UnsafeText as exc:
                    message = unsafe_text_message(exc, "")
                    issues.append(ImportIssue(name, line, label, message, word))
    return issues


def parse_programme(data: bytes, filename: str) -> WorkProgramme:
    """Parse an uploaded programme (``.csv`` or ``.xlsx``). Raises ``ProgrammeImportError``
    (every issue, by line or row and column) or ``ActionError`` (not a CSV/XLSX file)."""
    name = Path(filename or "programme").name
    suffix = Path(name).suffix.lower()
    if suffix in (".csv", ".xlsx"):
        try:
            check_size(len(data), MAX_PROGRAMME_BYTES)
            if suffix == ".xlsx":
                check_spreadsheet(data, name, max_rows=MAX_PROGRAMME_ROWS)
        except UploadRefused as exc:
            raise ActionError(exc.message, field="file") from exc
        if suffix == ".csv" and data.count(b"\n") > 4 * MAX_PROGRAMME_ROWS:
            raise ActionError(
                _("Tệp có hơn %(n)s dòng; tối đa %(n)s dòng.") % {"n": MAX_PROGRAMME_ROWS},
                field="file",
            )
        unsafe = _unsafe_text(data, name, suffix)
        if unsafe:
            raise ProgrammeImportError(name, unsafe)
    if suffix == ".csv":
        return parse_programme_csv(data, file=name)
    if suffix == ".xlsx":
        with tempfile.TemporaryDirectory(prefix="tinnhiem-programme-") as folder:
            path = Path(folder) / "programme.xlsx"
            path.write_bytes(data)
            try:
                return load_programme(path)
            except ProgrammeImportError as exc:
                # name the uploaded file, not the temporary copy
                issues = [replace(issue, file=name) for issue in exc.issues]
                raise ProgrammeImportError(name, issues) from exc
    raise ActionError(_("Chỉ nhận tệp .csv hoặc .xlsx."), field="file")


def programme_of(round: Round) -> ProgrammeUpload | None:
    """The programme evaluated with ``round``: the latest one imported."""
    return ProgrammeUpload.objects.filter(round=round).order_by("-uploaded_at", "-id").first()


@transaction.atomic
def do_import_programme(
    actor: Actor, round: Round, *, data: bytes, filename: str
) -> ProgrammeUpload:
    """Store a checked programme for ``round`` (organisers). A later import replaces it for
    the evaluation; earlier ones are kept."""
    role = ensure_role(actor, [Role.ORGANISER], round=round)
    try:
        programme = parse_programme(data, filename)
    except ProgrammeImportError:
        raise
    except InputError as exc:
        if isinstance(exc, ActionError):
            raise
        raise ActionError(
            _("Chương trình công tác có lỗi: %(reason)s") % {"reason": str(exc)}, field="file"
        ) from exc
    upload = ProgrammeUpload.objects.create(
        round=round,
        year=programme.year,
        title=programme.title,
        filename=Path(filename).name[:255],
        content=data,
        sha256=hashlib.sha256(data).hexdigest(),
        assignments=len(programme.assignments),
        uploaded_by=actor.user if getattr(actor.user, "pk", None) else None,
    )
    audit(
        Actor(actor.user, role),
        "evaluation.import",
        upload,
        round=round,
        detail={
            "file": upload.filename,
            "sha256": upload.sha256,
            "year": programme.year,
            "assignments": upload.assignments,
        },
    )
    return upload
