"""The scanner pages (issue 13): upload a batch of scanned sheets, the committee's queue of
flagged rows with their images, and the risk-limiting audit."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from tinnhiem.paper import BALLOT_FIELD, PaperError, PaperSession, marks_for, parse_marks
from tinnhiem.paper.audit import parse_risk_limit
from tinnhiem.paper.omr import SheetImage, sheet_images
from tinnhiem.reports.audit_section import audit_lines
from tinnhiem.web.actions import ActionError
from tinnhiem.web.actions.paper_scan import (
    do_paper_audit_conclude,
    do_paper_audit_reading,
    do_paper_audit_start,
    do_paper_queue_resolve,
    do_paper_scan,
)
from tinnhiem.web.actions.paper_store import load_session, paper_round_of
from tinnhiem.web.forms.paper_scan import (
    AuditReadingForm,
    AuditStartForm,
    QueueResolveForm,
    ScanUploadForm,
)
from tinnhiem.web.lib.access import require_role
from tinnhiem.web.lib.paper import field_label, mark_label
from tinnhiem.web.lib.visibility import Sealed, may_see
from tinnhiem.web.models import Role, Round
from tinnhiem.web.models.paper import PaperRound, PaperScanCrop
from tinnhiem.web.views.common import actor_for, scope_of

__all__ = ["paper_audit", "paper_crop", "paper_queue", "paper_queue_resolve", "paper_scan"]

READERS = (Role.ORGANISER, Role.COMMITTEE, Role.OBSERVER)


def _paper(request: HttpRequest) -> tuple[Round, PaperRound, PaperSession]:
    round_ = scope_of(request).round
    assert round_ is not None
    paper_round = paper_round_of(round_)
    if paper_round is None:
        raise Http404(_("Đợt này chưa có phiếu giấy."))
    return round_, paper_round, load_session(paper_round)


def _error(exc: ActionError | PaperError) -> str:
    return exc.message if isinstance(exc, ActionError) else str(exc)


@never_cache
@require_role(Role.COMMITTEE)
def paper_scan(request: HttpRequest, round_id: int) -> HttpResponse:
    """Upload scanner PDFs or photos of one batch; each sheet is read and recorded."""
    round_, _pr, session = _paper(request)
    form = ScanUploadForm(request.POST or None, request.FILES or None)
    results: list[dict[str, Any]] = []
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                images: list[SheetImage] = []
                for upload in form.cleaned_data["sheets"]:
                    images += sheet_images(upload.read(), upload.name)
                outcomes = do_paper_scan(
                    actor_for(request, Role.COMMITTEE),
                    round_,
                    images=images,
                    batch=form.cleaned_data["batch"],
                )
            except (ActionError, PaperError) as exc:
                form.add_error(None, _error(exc))
                status = 400
            else:
                results = [
                    {
                        "batch": o.batch,
                        "position": o.position,
                        "serial": o.serial,
                        "flags": len(o.flags),
                        "refused": o.refused,
                    }
                    for o in outcomes
                ]
                messages.success(
                    request,
                    _("Đã đọc %(n)s phiếu; %(f)s ô cần Ban kiểm phiếu xem.")
                    % {
                        "n": sum(1 for r in results if r["serial"]),
                        "f": sum(r["flags"] for r in results),
                    },
                )
        else:
            status = 400
    context = {"round": round_, "definition": session.definition, "form": form, "results": results}
    return render(request, "paper/scan.html", context, status=status)


def _queue_rows(session: PaperSession) -> list[dict[str, Any]]:
    definition = session.definition
    rows = []
    for d in session.status().disagreements:
        if not d.item.isdigit():
            continue
        serial = int(d.item)
        reasons = session.flags(serial)
        scan = session.scans.get(d.item)
        if d.field == BALLOT_FIELD:
            choices = [("valid", _("Phiếu hợp lệ")), ("invalid", _("Không hợp lệ"))]
        else:
            choices = [(m.code, _(m.label_vi)) for m in marks_for(definition.kind)]
        rows.append(
            {
                "serial": serial,
                "field": d.field,
                "label": field_label(definition, d.field),
                "reason": reasons.get(d.field, ""),
                "place": f"{scan.batch} / {scan.position}" if scan else "",
                "entered": [(op, mark_label(v) if v else "—") for op, v in d.entered],
                "choices": choices,
                "has_crop": scan is not None,
            }
        )
    return rows


@never_cache
@require_role(*READERS)
def paper_queue(request: HttpRequest, round_id: int) -> HttpResponse:
    """The committee's queue: every flagged or disputed field, with the scanned image."""
    round_, _pr, session = _paper(request)
    if not may_see(Sealed.DRAFTS, round_, scope_of(request).roles):
        raise PermissionDenied("drafts")
    context = {
        "round": round_,
        "definition": session.definition,
        "rows": _queue_rows(session),
        "can_resolve": Role.COMMITTEE in scope_of(request).roles,
        "form": QueueResolveForm(),
    }
    return render(request, "paper/queue.html", context)


@require_POST
@require_role(Role.COMMITTEE)
def paper_queue_resolve(request: HttpRequest, round_id: int) -> HttpResponse:
    round_ = scope_of(request).round
    assert round_ is not None
    form = QueueResolveForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Cần chọn quyết định và ghi lý do."))
        return redirect("web:paper_queue", round_id=round_.pk)
    data = form.cleaned_data
    try:
        do_paper_queue_resolve(
            actor_for(request, Role.COMMITTEE),
            round_,
            serial=data["serial"],
            field=data["field"],
            value=data["value"],
            note=data["note"],
        )
    except ActionError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Đã ghi quyết định của Ban kiểm phiếu."))
    return redirect("web:paper_queue", round_id=round_.pk)


@require_role(*READERS)
def paper_crop(request: HttpRequest, round_id: int, serial: int, field: str) -> HttpResponse:
    """The scanned image of a flagged row (PNG)."""
    round_, paper_round, _session = _paper(request)
    if not may_see(Sealed.DRAFTS, round_, scope_of(request).roles):
        raise PermissionDenied("drafts")
    crop = PaperScanCrop.objects.filter(paper_round=paper_round, serial=serial, field=field).first()
    if crop is None:
        raise Http404(_("Không có ảnh."))
    response = HttpResponse(bytes(crop.png), content_type="image/png")
    response["Cache-Control"] = "private, max-age=3600"
    return response


@never_cache
@require_role(*READERS)
def paper_audit(request: HttpRequest, round_id: int) -> HttpResponse:
    """The risk-limiting audit: start it from the dice, read the drawn sheets, conclude."""
    round_, _pr, session = _paper(request)
    roles = scope_of(request).roles
    start_form = AuditStartForm(request.POST if "start" in request.POST else None)
    reading_form = AuditReadingForm(request.POST if "read" in request.POST else None)
    status = 200
    if request.method == "POST":
        if Role.COMMITTEE not in roles:
            raise PermissionDenied("committee")
        actor = actor_for(request, Role.COMMITTEE)
        try:
            if "start" in request.POST:
                if not start_form.is_valid():
                    raise ActionError(_("Cần nhập số ngẫu nhiên và giới hạn rủi ro."))
                do_paper_audit_start(
                    actor,
                    round_,
                    seed=start_form.cleaned_data["seed"],
                    risk_limit=parse_risk_limit(start_form.cleaned_data["risk_limit"]),
                )
            elif "read" in request.POST:
                if not reading_form.is_valid():
                    raise ActionError(_("Bản đọc lại không hợp lệ."))
                definition = session.definition
                marks = (
                    None
                    if reading_form.cleaned_data["sheet_invalid"]
                    else parse_marks(
                        reading_form.cleaned_data["quick"],
                        len(definition.officials),
                        where=_("bản đọc lại"),
                        kind=definition.kind,
                    )
                )
                do_paper_audit_reading(actor, round_, marks=marks)
            elif "conclude" in request.POST or "escalate" in request.POST:
                do_paper_audit_conclude(actor, round_, escalate="escalate" in request.POST)
        except (ActionError, PaperError) as exc:
            messages.error(request, _error(exc))
            status = 400
        else:
            return redirect("web:paper_audit", round_id=round_.pk)
        session = load_session(_pr)
    state = session.audit
    context: dict[str, Any] = {
        "round": round_,
        "definition": session.definition,
        "audit": state,
        "start_form": start_form,
        "reading_form": reading_form,
        "can_act": Role.COMMITTEE in roles,
        "lines": audit_lines(state) if state else (),
    }
    if state is not None and state.conclusion is None:
        done = len(state.comparisons)
        planned = state.sample_size()
        more = max(1, (planned or len(state.plan.manifest)) - done)
        context["next"] = [
            (i, p.label) for i, p in enumerate(state.draws(min(more, 20), first=done + 1), done + 1)
        ]
        context["planned"] = planned
        context["confirmed"] = state.confirmed()
    return render(request, "paper/audit.html", context, status=status)
