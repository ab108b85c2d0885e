"""The public bulletin board (bảng tin công khai) of a round: the page, live during the
poll, and its JSON (``/api/rounds/<id>/board``).

The page shows the hash chain's head, every tracker, the ballots issued and returned; it
polls ``/api/rounds/<round>/board?since=<seq>`` every few seconds for new entries. The
chain itself holds nothing secret (hashes, trackers and counts), so anyone may read it,
without logging in. ``?payload=1`` adds each entry's payload for someone with a role in
the round, except the decrypted sums (the ``decryption`` and ``results`` entries), which
``lib.visibility`` seals until the results are published.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from tinnhiem.ballots import GENESIS
from tinnhiem.web.lib.access import roles_of
from tinnhiem.web.lib.api import api_get
from tinnhiem.web.lib.visibility import BOARD_SEALED_KINDS, Sealed, may_see
from tinnhiem.web.models import Ballot, BoardEntry, Round, Summons, VoterCredential

__all__ = ["board", "board_api", "board_state", "kind_labels"]


def kind_labels() -> dict[str, str]:
    """What each kind of board entry is called on the page (the API keeps the raw kind)."""
    return {
        "manifest": _("Thông tin đợt"),
        "committee": _("Khóa chung của Ban kiểm phiếu"),
        "open": _("Mở bỏ phiếu"),
        "ballot": _("Lá phiếu"),
        "close": _("Đóng bỏ phiếu"),
        "aggregates": _("Bản mã tổng"),
        "decryption": _("Giải mã"),
        "results": _("Kết quả"),
    }


def _entry(e: BoardEntry, payload: bool | None) -> dict[str, Any]:
    """One entry; ``payload`` None: without payloads, True: with it, False: sealed."""
    item: dict[str, Any] = {
        "seq": e.seq,
        "kind": e.kind,
        "hash": e.hash,
        "payload_hash": e.payload_hash,
        "previous": e.previous,
        "created_at": e.created_at.isoformat(),
    }
    if e.kind == "ballot" and isinstance(e.payload, dict):
        item["tracker"] = e.payload.get("tracker", "")
    if payload is not None:
        if payload or e.kind not in BOARD_SEALED_KINDS:
            item["payload"] = e.payload
        else:
            item["sealed"] = True
    return item


def board_state(round_: Round, since: int = -1, *, sums: bool | None = None) -> dict[str, Any]:
    """The head, the counts and the entries after ``since`` (all with -1). ``sums`` None:
    no payloads; True: every payload; False: payloads, the decrypted sums sealed."""
    rows = BoardEntry.objects.filter(round=round_).order_by("seq")
    last = rows.last()
    return {
        "round": round_.pk,
        "status": round_.status,
        "status_label": str(round_.get_status_display()),
        "head": last.hash if last else GENESIS.hex(),
        "length": (last.seq + 1) if last else 0,
        "summoned": Summons.objects.filter(round=round_).count(),
        "issued": VoterCredential.objects.filter(round=round_).count(),
        "returned": Ballot.objects.filter(round=round_).count(),
        "entries": [_entry(e, sums) for e in rows.filter(seq__gt=since)],
    }


@require_GET
def board(request: HttpRequest, round_id: int) -> HttpResponse:
    round_ = get_object_or_404(Round.objects.select_related("body"), pk=round_id)
    state = board_state(round_)
    labels = kind_labels()
    for entry in state["entries"]:
        entry["kind_label"] = labels.get(entry["kind"], entry["kind"])
    data = {
        "url": reverse("web:api_board", args=[round_.pk]),
        "kinds": labels,
        "messages": {
            "found": _("Có trên bảng tin: mục số %(seq)s."),
            "not_found": _("Chưa thấy mã theo dõi này trên bảng tin."),
            "updated": _("Cập nhật lúc %(time)s"),
        },
    }
    return render(request, "poll/board.html", {"round": round_, "state": state, "board_data": data})


@api_get
def board_api(request: HttpRequest, round_id: int) -> JsonResponse:
    """GET ?since=<seq>&payload=1: the chain to anyone; payloads to a role in the round."""
    round_ = get_object_or_404(Round.objects.select_related("body"), pk=round_id)
    try:
        since = int(request.GET.get("since", "-1"))
    except ValueError:
        since = -1
    sums: bool | None = None
    if request.GET.get("payload") == "1":
        roles = roles_of(request.user, round=round_)
        if not roles:
            raise PermissionDenied("payloads need a role in the round")
        sums = may_see(Sealed.RESULTS, round_, roles)
    return JsonResponse(board_state(round_, since, sums=sums))
