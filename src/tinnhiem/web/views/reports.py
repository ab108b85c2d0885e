"""Officials' self-assessment reports: read (every role, once published), write (the
official or an organiser), publish (organisers); each report has a comment thread. Who
reads or edits which report is ``lib.visibility``'s decision."""

from __future__ import annotations

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tinnhiem.web.actions import ActionError, do_publish_report, do_submit_report
from tinnhiem.web.forms import ReportForm
from tinnhiem.web.lib.access import require_role
from tinnhiem.web.lib.visibility import may_edit_report, may_read_report
from tinnhiem.web.models import Official, Role, SelfReport
from tinnhiem.web.views.comments import thread_context
from tinnhiem.web.views.common import actor_for, add_action_error, scope_of

__all__ = ["report_detail", "report_edit", "report_pdf", "report_publish"]


def _official(request: HttpRequest, official_id: int) -> Official:
    round_ = scope_of(request).round
    return get_object_or_404(
        Official.objects.select_related("person"), pk=official_id, round=round_
    )


def _may_read(request: HttpRequest, official: Official, report: SelfReport | None) -> bool:
    return may_read_report(official, report, request.user, scope_of(request).roles)


@require_role(*Role)
def report_detail(request: HttpRequest, round_id: int, official_id: int) -> HttpResponse:
    official = _official(request, official_id)
    report = SelfReport.objects.filter(official=official).first()
    if not _may_read(request, official, report):
        raise Http404("report not published")
    context = {
        "round": official.round,
        "official": official,
        "report": report,
        "organiser": Role.ORGANISER in scope_of(request).roles,
        "is_author": official.person.user_id == request.user.pk,
    }
    context.update(thread_context(request, official.round, official))
    return render(request, "web/report.html", context)


@require_role(*Role)
def report_pdf(request: HttpRequest, round_id: int, official_id: int) -> FileResponse:
    official = _official(request, official_id)
    report = SelfReport.objects.filter(official=official).first()
    if report is None or not report.pdf or not _may_read(request, official, report):
        raise Http404("no PDF")
    response = FileResponse(report.pdf.open("rb"), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="bao-cao-{official.pk}.pdf"'
    return response


@require_role(Role.ORGANISER, Role.OFFICIAL)
def report_edit(request: HttpRequest, round_id: int, official_id: int) -> HttpResponse:
    official = _official(request, official_id)
    if not may_edit_report(official, request.user, scope_of(request).roles):
        raise Http404("not this official's report")
    report = SelfReport.objects.filter(official=official).first()
    form = ReportForm(
        request.POST or None, request.FILES or None, initial={"text": report.text if report else ""}
    )
    if request.method == "POST" and form.is_valid():
        try:
            do_submit_report(
                actor_for(request, Role.OFFICIAL, Role.ORGANISER),
                official,
                text=form.cleaned_data["text"],
                pdf=form.cleaned_data["pdf"],
            )
        except ActionError as exc:
            add_action_error(form, exc)
        else:
            messages.success(request, _("Đã lưu báo cáo."))
            return redirect("web:report", round_id=official.round_id, official_id=official.pk)
    return render(
        request,
        "web/report_form.html",
        {"form": form, "official": official, "round": official.round},
        status=400 if form.errors else 200,
    )


@require_POST
@require_role(Role.ORGANISER)
def report_publish(request: HttpRequest, round_id: int, official_id: int) -> HttpResponse:
    official = _official(request, official_id)
    report = get_object_or_404(SelfReport, official=official)
    try:
        do_publish_report(actor_for(request, Role.ORGANISER), report)
    except ActionError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Đã công bố báo cáo cho người ghi phiếu."))
    return redirect("web:report", round_id=official.round_id, official_id=official.pk)
