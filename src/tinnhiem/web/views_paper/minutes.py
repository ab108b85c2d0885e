"""The tally minutes (biên bản kiểm phiếu) of a round as PDF, XLSX or CSV: from the paper
entry log for a paper, mixed or hand-counted round (``?draft=1`` prints what is agreed so
far, marked BẢN NHÁP), from the election record for an electronic round."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from tinnhiem.errors import InputError
from tinnhiem.paper import NotReady, PaperError
from tinnhiem.reports import FORMATS, render_minutes
from tinnhiem.web.actions.paper_store import paper_round_of
from tinnhiem.web.lib.access import require_role
from tinnhiem.web.models import Result, Role, Round
from tinnhiem.web.views.common import scope_of
from tinnhiem.web.views_paper.queries import legal_minutes

__all__ = ["CONTENT_TYPES", "minutes_download", "minutes_visible"]

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}


def minutes_visible(round_: Round, roles: frozenset[str]) -> bool:
    """Organisers, the committee and observers see the minutes of a paper round at once;
    everybody in the round once the electronic result is published."""
    if roles & {Role.ORGANISER, Role.COMMITTEE, Role.OBSERVER}:
        return True
    result = Result.objects.filter(round=round_).first()
    return result is not None and result.published_at is not None


@require_role(*Role)
def minutes_download(request: HttpRequest, round_id: int, fmt: str) -> HttpResponse:
    round_ = scope_of(request).round
    assert round_ is not None
    if fmt not in FORMATS:
        raise Http404(_("Định dạng không hỗ trợ."))
    if not minutes_visible(round_, scope_of(request).roles):
        raise Http404(_("Kết quả chưa được công bố."))
    is_paper = paper_round_of(round_) is not None
    draft = is_paper and request.GET.get("draft") == "1"
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
