"""Evaluation pages: programme import (organisers), the leader's view of every official
(organisers and observers), an official's own view, and the PDF/XLSX exports."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from tinnhiem.evaluation import CAVEATS, ProgrammeImportError, write_pdf, write_xlsx
from tinnhiem.web.actions import ActionError
from tinnhiem.web.actions.evaluation_import import do_import_programme, programme_of
from tinnhiem.web.forms.evaluation import ProgrammeUploadForm
from tinnhiem.web.lib.access import require_role
from tinnhiem.web.lib.evaluation import RoundEvaluation, evaluate_round, nfc
from tinnhiem.web.lib.evaluation_rows import official_row, work_parts
from tinnhiem.web.lib.scatter import scatter_points, scatter_svg
from tinnhiem.web.lib.visibility import Sealed, may_see
from tinnhiem.web.models import Person, Role, Round
from tinnhiem.web.models.evaluation import ProgrammeUpload
from tinnhiem.web.views.common import actor_for, add_action_error, scope_of, signed_in
from tinnhiem.web.views.minutes import CONTENT_TYPES

__all__ = ["evaluation", "evaluation_export", "programme_import"]

LEADERS = (Role.ORGANISER, Role.OBSERVER)


def _round(request: HttpRequest) -> Round:
    round_ = scope_of(request).round
    assert round_ is not None
    return round_


@never_cache
@require_role(Role.ORGANISER, Role.OBSERVER, Role.OFFICIAL)
def evaluation(request: HttpRequest, round_id: int) -> HttpResponse:
    """Leaders see every official; an official sees only their own evaluation."""
    round_ = _round(request)
    roles = scope_of(request).roles
    # The tally beside the evaluation is sealed as the results are (lib.visibility).
    ev = evaluate_round(round_, with_tally=may_see(Sealed.RESULTS, round_, roles))
    if roles & set(LEADERS):
        return _leader(request, round_, ev, roles)
    return _own(request, round_, ev)


def _leader(
    request: HttpRequest, round_: Round, ev: RoundEvaluation | None, roles: frozenset[str]
) -> HttpResponse:
    context: dict[str, Any] = {
        "round": round_,
        "ev": ev,
        "can_import": Role.ORGANISER in roles,
        "uploads": ProgrammeUpload.objects.filter(round=round_).select_related("uploaded_by"),
        "caveats": CAVEATS,
    }
    if ev is not None:
        report = ev.report
        rows = [official_row(ev, r) for r in report.officials]
        points = scatter_points(report, set(ev.suppressed))
        flags = report.flags
        context.update(
            rows=rows,
            flagged=[r for r in rows if r["flag"] and r["flag"]["kind"]],
            points=points,
            scatter=scatter_svg(
                points,
                flags.slope if flags else None,
                flags.intercept if flags else None,
                title=_("Tín nhiệm so với kết quả công việc"),
                description=_(
                    "Mỗi điểm là một người: trục ngang là điểm kết quả công việc (0 đến 1), "
                    "trục dọc là tỷ lệ tín nhiệm cao đã hiệu chỉnh, vạch dọc là khoảng tin cậy. "
                    "Tam giác: tín nhiệm cao hơn kết quả; hình vuông: kết quả cao hơn tín nhiệm; "
                    "đường đứt nét: đường Theil–Sen. Bảng bên cạnh có cùng số liệu."
                ),
                x_label=_("Kết quả công việc"),
                y_label=_("Tín nhiệm (đã hiệu chỉnh)"),
            ),
            notes=[*ev.notes, *report.notes],
        )
    return render(request, "evaluation/leader.html", context)


def _own(request: HttpRequest, round_: Round, ev: RoundEvaluation | None) -> HttpResponse:
    person = Person.objects.filter(user=signed_in(request), body=round_.body).first()
    row = None
    if ev is not None and person is not None:
        name = nfc(person.full_name)
        row = next((r for r in ev.report.officials if r.official == name), None)
    context: dict[str, Any] = {
        "round": round_,
        "ev": ev,
        "person": person,
        "row": official_row(ev, row) if ev is not None and row is not None else None,
        "parts": work_parts(row) if row is not None else [],
        "caveats": CAVEATS,
    }
    return render(request, "evaluation/mine.html", context)


@never_cache
@require_role(Role.ORGANISER)
def programme_import(request: HttpRequest, round_id: int) -> HttpResponse:
    """Upload a CSV/XLSX work programme: all of it, or nothing with every error listed."""
    round_ = _round(request)
    form = ProgrammeUploadForm(request.POST or None, request.FILES or None)
    context: dict[str, Any] = {"round": round_, "form": form, "current": programme_of(round_)}
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                stored = do_import_programme(
                    actor_for(request, Role.ORGANISER),
                    round_,
                    data=upload.read(),
                    filename=upload.name or "",
                )
            except ProgrammeImportError as exc:
                context["issues"] = exc.issues
            except ActionError as exc:
                add_action_error(form, exc)
            else:
                context["imported"] = stored
                context["current"] = stored
                status = 200
    return render(request, "evaluation/import.html", context, status=status)


@require_role(*LEADERS)
def evaluation_export(request: HttpRequest, round_id: int, fmt: str) -> HttpResponse:
    """The evaluation as ``tinnhiem.evaluation`` exports it (PDF or XLSX)."""
    if fmt not in ("pdf", "xlsx"):
        raise Http404(_("Định dạng không hỗ trợ."))
    round_ = _round(request)
    ev = evaluate_round(round_, with_tally=may_see(Sealed.RESULTS, round_, scope_of(request).roles))
    if ev is None:
        raise Http404(_("Chưa nhập chương trình công tác."))
    writer = write_pdf if fmt == "pdf" else write_xlsx
    with tempfile.TemporaryDirectory(prefix="tinnhiem-eval-") as folder:
        path = writer(ev.report, Path(folder) / f"danh-gia.{fmt}")
        data = Path(path).read_bytes()
    response = HttpResponse(data, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = (
        f'attachment; filename="danh-gia-{round_.pk}-{ev.report.programme.year}.{fmt}"'
    )
    return response
