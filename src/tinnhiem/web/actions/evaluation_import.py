"""Importing a year's work programme (chương trình công tác, đề án) for a round's
evaluation. The file is checked in full by ``tinnhiem.evaluation`` first: every problem is
reported by line (CSV) or row (XLSX) and column, and nothing is stored unless all is well."""

from __future__ import annotations

import hashlib
import tempfile
from dataclasses import replace
from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext as _

from tinnhiem.errors import InputError
from tinnhiem.evaluation import (
    ProgrammeImportError,
    WorkProgramme,
    load_programme,
    parse_programme_csv,
)
from tinnhiem.web.actions.audit import audit
from tinnhiem.web.actions.errors import ActionError
from tinnhiem.web.lib.access import Actor, ensure_role
from tinnhiem.web.models import Role, Round
from tinnhiem.web.models.evaluation import ProgrammeUpload

__all__ = ["MAX_PROGRAMME_BYTES", "do_import_programme", "parse_programme", "programme_of"]

MAX_PROGRAMME_BYTES = 5 * 1024 * 1024


def parse_programme(data: bytes, filename: str) -> WorkProgramme:
    """Parse an uploaded programme (``.csv`` or ``.xlsx``). Raises ``ProgrammeImportError``
    (every issue, by line or row and column) or ``ActionError`` (not a CSV/XLSX file)."""
    name = Path(filename or "programme").name
    suffix = Path(name).suffix.lower()
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
    if len(data) > MAX_PROGRAMME_BYTES:
        raise ActionError(_("Tệp quá lớn (tối đa 5 MB)."), field="file")
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
