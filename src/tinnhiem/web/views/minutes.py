"""The tally minutes (biên bản kiểm phiếu) of a round as PDF, XLSX or CSV: from the paper
entry log for a paper, mixed or hand-counted round (``?draft=1`` prints what is agreed so
far, marked BẢN NHÁP), from the election record for an electronic round. Who may download
them when is ``lib.visibility``'s decision (drafts: the count's witnesses only)."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from tinnhiem.errors import InputError
from tinnhiem.paper import NotReady, PaperError
from tinnhiem.reports import (
    FORMATS,
    personnel_minutes_from_paper,
    personnel_minutes_from_record,
    render_minutes,
    render_personnel_minutes,
)
from tinnhiem.web.actions.paper_store import load_session, paper_round_of
from tinnhiem.web.actions.procedures import settlement_of
from tinnhiem.web.lib.access import require_role
from tinnhiem.web.lib.paper import legal_minutes
from tinnhiem.web.lib.poll_round import record_for
from tinnhiem.web.lib.visibility import Sealed, may_see
from tinnhiem.web.models import Result, Role, Round
from tinnhiem.web.views.common import scope_of

__all__ = ["CONTENT_TYPES", "minutes_download"]

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}


@require_role(*Role)
def minutes_download(request: HttpRequest, round_id: int, fmt: str) -> HttpResponse:
    round_ = scope_of(request).round
    assert round_ is not None
    if fmt not in FORMATS:
        raise Http404(_("Định dạng không hỗ trợ."))
    roles = scope_of(request).roles
    is_paper = paper_round_of(round_) is not None
    draft = is_paper and request.GET.get("draft") == "1"
    if not may_see(Sealed.DRAFTS if draft else Sealed.RESULTS, round_, roles, user=request.user):
        raise Http404(_("Kết quả chưa được công bố."))
    if round_.personnel:
        return (
            _personnel_paper_minutes(round_, fmt, draft)
            if is_paper
            else _personnel_minutes(round_, fmt)
        )
    try:
        data = legal_minutes(round_, draft=draft)
    except NotReady as exc:
        raise Http404(_("Chưa lập được biên bản: %(reason)s") % {"reason": str(exc)}) from exc
    except (PaperError, InputError) as exc:
        raise Http404(str(exc)) from exc
    if data is None:
        raise Http404(_("Đợt này chưa có kết quả kiểm phiếu."))
    response = HttpResponse(render_minutes(data, fmt), content_type=CONTENT_TYPES[fmt])
    suffix = "-ban-nhap" if data.draft else ""
    name = data.round_id.replace("/", "-")
    response["Content-Disposition"] = f'attachment; filename="bien-ban-{name}{suffix}.{fmt}"'
    return response


def _personnel_minutes(round_: Round, fmt: str) -> HttpResponse:
    """An electronic personnel step's minutes (PDF, XLSX or CSV), from its election record: the
    procedure text it carries, the decrypted sums and the decision with every clause."""
    record = record_for(round_)
    if record is None or not Result.objects.filter(round=round_).exists():
        raise Http404(_("Đợt này chưa có kết quả kiểm phiếu."))
    # A list that came from a step settled by a person: its minutes cite the decision.
    settled = settlement_of(round_.previous) if round_.previous is not None else None
    minutes = personnel_minutes_from_record(record, settled)
    response = HttpResponse(render_personnel_minutes(minutes, fmt), content_type=CONTENT_TYPES[fmt])
    name = record.manifest.round_id.replace("/", "-")
    response["Content-Disposition"] = f'attachment; filename="bien-ban-{name}.{fmt}"'
    return response


def _personnel_paper_minutes(round_: Round, fmt: str, draft: bool) -> HttpResponse:
    """A personnel step counted on paper: its minutes from the entry log (the core counts
    and decides); ``draft`` prints what is agreed so far, marked BẢN NHÁP."""
    paper_round = paper_round_of(round_)
    assert paper_round is not None
    try:
        minutes = personnel_minutes_from_paper(load_session(paper_round), draft=draft)
    except NotReady as exc:
        raise Http404(_("Chưa lập được biên bản: %(reason)s") % {"reason": str(exc)}) from exc
    except (PaperError, InputError) as exc:
        raise Http404(str(exc)) from exc
    response = HttpResponse(render_personnel_minutes(minutes, fmt), content_type=CONTENT_TYPES[fmt])
    suffix = "-ban-nhap" if minutes.draft else ""
    name = minutes.tally.definition.round_id
    response["Content-Disposition"] = f'attachment; filename="bien-ban-{name}{suffix}.{fmt}"'
    return response
