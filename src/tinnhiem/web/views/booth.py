"""The voting booth (phòng bỏ phiếu điện tử).

``/phieu/`` is where the slip's booth QR leads: the page keeps the signing seed of the URL
fragment in the browser tab (sessionStorage; a fragment is never sent to a server), logs
the voter in with the slip's login code and goes to the booth of their round. The booth
reads the officials' reports, takes one mark per official, encrypts, proves and signs in the
browser, and either casts (``do_cast_ballot``) or audits the sealed ballot (Benaloh
challenge, re-checked here by ``check_audit``; an audited ballot is never stored).
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from tinnhiem.ballots import RevotePolicy
from tinnhiem.poll import Phase
from tinnhiem.rules import BlankRow
from tinnhiem.web.actions import ActionError, do_slip_login
from tinnhiem.web.actions.poll import BallotRefused, do_audit_ballot, do_cast_ballot
from tinnhiem.web.forms import SlipLoginForm
from tinnhiem.web.lib.access import require_role
from tinnhiem.web.lib.api import api_post
from tinnhiem.web.lib.poll_round import engine_of
from tinnhiem.web.models import Ballot as BallotRow
from tinnhiem.web.models import Official, Role, RoundStatus, SelfReport, VoterCredential
from tinnhiem.web.views.common import (
    BadJson,
    actor_for,
    add_action_error,
    json_body,
    json_error,
    mark_labels,
    scope_of,
    signed_in,
    wasm_csp,
)

__all__ = ["audit_api", "booth", "cast_api", "entry"]

#: HTTP status of each refusal reason (409: the state of the board forbids it).
REFUSAL_STATUS = {
    "duplicate": 409,
    "audited": 409,
    "replay": 409,
    "already_voted": 409,
    "closed": 409,
    "not_eligible": 403,
    "wrong_credential": 403,
}


@wasm_csp
def entry(request: HttpRequest) -> HttpResponse:
    """Slip login for the booth: the login code goes to the server, the seed stays here."""
    form = SlipLoginForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            credential = do_slip_login(request, form.cleaned_data["code"])
        except ActionError as exc:
            add_action_error(form, exc)
            status = 403
        else:
            return redirect("web:poll_booth", round_id=credential.round_id)
    elif request.method == "POST":
        status = 400
    mine = None
    if request.user.is_authenticated:
        mine = VoterCredential.objects.filter(user=request.user).select_related("round").first()
    return render(request, "poll/entry.html", {"form": form, "mine": mine}, status=status)


def _booth_messages() -> dict[str, str]:
    return {
        "credential_format": _(
            "Không đọc được mã ký. Hãy quét lại mã QR “Bỏ phiếu” trên "
            "phiếu hoặc nhập đúng mã in dưới mã QR."
        ),
        "credential_wrong": _(
            "Mã ký này không phải của tài khoản đang đăng nhập. Hãy dùng đúng phiếu của bạn."
        ),
        "scan_unsupported": _("Trình duyệt này không quét được mã QR; hãy nhập mã ký."),
        "scan_hold": _("Đưa mã QR “Bỏ phiếu” vào khung hình…"),
        "scan_failed": _("Không quét được: %(error)s"),
        "marks_missing": _("Còn %(count)s người chưa được đánh dấu."),
        "too_many": _("Chỉ được chọn tối đa %(k)s người; bạn đã chọn %(count)s."),
        "encrypting": _("Đang mã hóa lá phiếu trên máy của bạn…"),
        "encrypt_failed": _("Không mã hóa được lá phiếu: %(error)s"),
        "casting": _("Đang gửi lá phiếu đã mã hóa…"),
        "resending": _(
            "Máy chủ đang bận hoặc mất kết nối: đang gửi lại lá phiếu (lần %(attempt)s)…"
        ),
        "cast_failed": _("Lá phiếu không được nhận: %(error)s"),
        "tracker_mismatch": _("Máy chủ trả về mã theo dõi khác với mã của lá phiếu."),
        "audit_row_ok": _("Khớp"),
        "audit_row_bad": _("KHÔNG khớp"),
        "audit_ok": _("Kiểm tra đạt: mọi dòng mã hóa đúng lựa chọn đã hiện."),
        "audit_bad": _("Kiểm tra KHÔNG đạt: máy này có thể đã mã hóa sai. Hãy báo Ban kiểm phiếu."),
        "audit_server_ok": _("Máy chủ kiểm tra độc lập: đạt."),
        "audit_server_bad": _("Máy chủ kiểm tra độc lập: không đạt (%(error)s)."),
        "audit_server_unreachable": _("Không hỏi được máy chủ (%(error)s)."),
        "load_failed": _("Không tải được phòng bỏ phiếu: %(error)s"),
    }


def _officials_with_reports(round_: Any, ids: tuple[str, ...]) -> list[dict[str, Any]]:
    rows = {
        o.person.external_id: o
        for o in Official.objects.filter(round=round_).select_related("person")
    }
    reports = {
        r.official_id: r
        for r in SelfReport.objects.filter(official__round=round_, published_at__isnull=False)
    }
    out = []
    for order, official_id in enumerate(ids, start=1):
        row = rows[official_id]
        out.append(
            {
                "id": official_id,
                "order": order,
                "name": row.person.full_name,
                "post": row.post,
                "report": reports.get(row.pk),
                "pk": row.pk,
            }
        )
    return out


@wasm_csp
@require_role(Role.VOTER)
def booth(request: HttpRequest, round_id: int) -> HttpResponse:
    round_ = scope_of(request).round
    assert round_ is not None
    credential = VoterCredential.objects.filter(round=round_, user=signed_in(request)).first()
    if credential is None:
        return render(
            request,
            "poll/booth_closed.html",
            {"round": round_, "reason": "no_credential"},
            status=403,
        )
    cast = BallotRow.objects.filter(round=round_, credential=credential).order_by("-board_seq")
    last = cast.first()
    engine = engine_of(round_)
    revote = engine.phase is not Phase.NEW and engine.manifest.revote is RevotePolicy.LAST_COUNTS
    if last is not None and (not revote or round_.status != RoundStatus.OPEN):
        return render(
            request, "poll/booth_closed.html", {"round": round_, "reason": "voted", "ballot": last}
        )
    if round_.status != RoundStatus.OPEN or engine.phase is Phase.NEW:
        return render(
            request, "poll/booth_closed.html", {"round": round_, "reason": "not_open"}, status=409
        )
    manifest = engine.manifest
    kind = manifest.kind.value
    labels = mark_labels(kind)
    # A personnel ballot (issue 14): tick at most k names (none is a blank ballot), or
    # agree / disagree per person (a row may stay blank); the rule's blank-row treatment
    # is the confidence rules'.
    choose_k = manifest.personnel.k if manifest.personnel and kind == "choose_at_most" else None
    if kind == "choose_at_most":
        allow_blank, choices = True, ["chosen"]
    elif kind == "agree_disagree":
        allow_blank, choices = True, ["agree", "disagree", "blank"]
    else:
        allow_blank = engine.rule.rule.blank_row is BlankRow.NO_MARK
        choices = ["high", "confident", "low"] if kind == "poll" else []
        choices = choices or ["confidence", "no_confidence"]
        if allow_blank:
            choices.append("blank")
    data = {
        "manifest": manifest.to_json(),
        "public_key": round_.public_key,
        "fingerprint": round_.fingerprint,
        "credential_public": credential.public_key,
        "allow_blank": allow_blank,
        "choose_k": choose_k,
        "cast_url": reverse("web:poll_api_cast", args=[round_.pk]),
        "audit_url": reverse("web:poll_api_audit", args=[round_.pk]),
        "mark_labels": labels,
        "messages": _booth_messages(),
    }
    context = {
        "round": round_,
        "officials": _officials_with_reports(round_, manifest.official_ids),
        "choices": [(c, labels[c]) for c in choices],
        "allow_blank": allow_blank,
        "choose_k": choose_k,
        "kind": kind,
        "booth_data": data,
        # Under ``last_counts`` a voter may cast again: the new ballot replaces the last.
        "previous": last,
    }
    return render(request, "poll/booth.html", context)


@api_post
@require_role(Role.VOTER)
def cast_api(request: HttpRequest, round_id: int) -> JsonResponse:
    """POST {"ballot": …} → 201 {"tracker", "ballot_hash", "board_index", "repeated"}, or
    200 with ``"repeated": true`` when this very ballot was already received (a client that
    lost the first answer sends again), or a refusal; 503 ``busy`` when the database is
    too busy (nothing stored, send again after ``Retry-After``)."""
    round_ = scope_of(request).round
    assert round_ is not None
    try:
        data = json_body(request)
        receipt = do_cast_ballot(actor_for(request, Role.VOTER), round_, data.get("ballot"))
    except BallotRefused as exc:
        return json_error(exc.reason, exc.message, REFUSAL_STATUS.get(exc.reason, 400), row=exc.row)
    except BadJson as exc:
        return json_error("bad_request", exc.message)
    except ActionError as exc:
        return json_error("refused", exc.message, 403)
    return JsonResponse(
        {
            "tracker": receipt.tracker,
            "ballot_hash": receipt.ballot_hash,
            "board_index": receipt.board_index,
            "repeated": receipt.repeated,
        },
        status=200 if receipt.repeated else 201,
    )


@api_post
@require_role(Role.VOTER)
def audit_api(request: HttpRequest, round_id: int) -> JsonResponse:
    """POST {"ballot", "reveal"} → {"ok", "rows"}: the server's re-check of a Benaloh audit.
    The audited ballot is spent: any later cast of it is refused."""
    round_ = scope_of(request).round
    assert round_ is not None
    try:
        data = json_body(request)
        rows = do_audit_ballot(
            actor_for(request, Role.VOTER), round_, data.get("ballot"), data.get("reveal")
        )
    except BadJson as exc:
        return json_error("bad_request", exc.message)
    except BallotRefused as exc:
        return json_error(exc.reason, exc.message, REFUSAL_STATUS.get(exc.reason, 400))
    except ActionError as exc:
        return json_error("bad_reveal", exc.message, 409)
    return JsonResponse({"ok": all(r.ok for r in rows), "rows": [r.to_json() for r in rows]})
