"""The counting committee's page (Ban kiểm phiếu): the key ceremony and the decryption.

Everything secret happens in the member's browser (or offline with ``tinnhiem trustee``):
the page only carries public messages. Everyone with a role in the round sees who has
done which step. Files: ``ceremony.json`` (the manifest, the ceremony's fingerprint and the
messages so far) and ``aggregates.json`` (what to decrypt) for the offline CLI, and an
upload form for the message files the CLI writes.
"""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from tinnhiem.web.actions import ActionError
from tinnhiem.web.actions.poll_ceremony import (
    CEREMONY_KINDS,
    ceremony_messages,
    do_post_ceremony_message,
)
from tinnhiem.web.actions.poll_tally import do_post_decryption_share, do_prepare_aggregates
from tinnhiem.web.lib.access import require_role
from tinnhiem.web.lib.api import api_methods, api_post
from tinnhiem.web.lib.poll_round import ceremony_context, manifest_for, section
from tinnhiem.web.models import (
    CeremonyMessage,
    CommitteeMember,
    DecryptionShare,
    Role,
    Round,
)
from tinnhiem.web.views.common import actor_for, scope_of
from tinnhiem.web.views_poll.common import BadJson, json_body, json_error, wasm_csp

__all__ = [
    "aggregates_api",
    "aggregates_file",
    "ceremony_api",
    "ceremony_file",
    "committee",
    "decryption_api",
    "prepare",
    "upload",
]

#: The format tag of the files exchanged with ``tinnhiem trustee``.
TRUSTEE_FORMAT = "tinnhiem-trustee/1"
#: Everyone with a role in the round sees who has done which step (all of it is public).
READERS = tuple(Role)
MAX_UPLOAD = 4 * 1024 * 1024


def _round(request: HttpRequest) -> Round:
    round_ = scope_of(request).round
    assert round_ is not None
    return round_


def ceremony_state(round_: Round) -> dict[str, Any]:
    """The public state of the ceremony and of the decryption, as the page polls it."""
    manifest = manifest_for(round_)
    complaints = [
        {"member": m.sender.index, **m.payload}
        for m in CeremonyMessage.objects.filter(round=round_, kind="complaint")
        .select_related("sender")
        .order_by("id")
    ]
    return {
        "round": round_.pk,
        "round_id": manifest.round_id,
        "status": round_.status,
        "t": manifest.threshold,
        "n": len(manifest.committee),
        "ceremony_fingerprint": ceremony_context(manifest).hex(),
        "commits": {str(i): p for i, p in ceremony_messages(round_, "commit").items()},
        "reveals": {str(i): p for i, p in ceremony_messages(round_, "reveal").items()},
        "confirms": {str(i): p for i, p in ceremony_messages(round_, "confirm").items()},
        "complaints": complaints,
        "public_key": round_.public_key,
        "fingerprint": round_.fingerprint,
        "aggregates_ready": section(round_, "aggregates") is not None,
        "shares": sorted(
            DecryptionShare.objects.filter(round=round_).values_list("member__index", flat=True)
        ),
        "tallied": section(round_, "results") is not None,
    }


def _messages() -> dict[str, str]:
    return {
        "passphrase_short": _("Mật khẩu cần ít nhất 10 ký tự."),
        "passphrase_mismatch": _("Hai lần nhập mật khẩu không khớp."),
        "working": _("Đang tính toán trên máy của bạn…"),
        "commit_done": _("Đã gửi cam kết. Hãy giữ tệp trạng thái vừa tải về."),
        "reveal_done": _(
            "Đã công bố. Tệp trạng thái mới đã được tải về: hãy giữ tệp này thay cho tệp cũ."
        ),
        "finish_done": _(
            "Đã kiểm tra mọi phần chia và lưu phần khóa của bạn vào tệp được "
            "bảo vệ bằng mật khẩu. Hãy giữ tệp này cho bước giải mã."
        ),
        "complaint_sent": _(
            "Phát hiện lỗi của thành viên %(member)s: %(error)s. Đã gửi khiếu nại."
        ),
        "decrypt_done": _("Đã gửi phần giải mã của bạn, kèm chứng minh."),
        "need_state": _("Hãy chọn tệp trạng thái và nhập mật khẩu."),
        "need_share": _("Hãy chọn tệp phần khóa và nhập mật khẩu."),
        "failed": _("Không thực hiện được: %(error)s"),
        "yes": _("Đã xong"),
        "no": _("Chưa"),
        "complaint": _("Khiếu nại thành viên %(accused)s: %(reason)s"),
    }


@wasm_csp
@require_role(*READERS)
def committee(request: HttpRequest, round_id: int) -> HttpResponse:
    round_ = _round(request)
    me = CommitteeMember.objects.filter(round=round_, user=request.user).first()
    manifest = manifest_for(round_)
    data = {
        "index": me.index if me else None,
        "manifest": manifest.to_json(),
        "state_url": reverse("web:poll_api_ceremony", args=[round_.pk]),
        "aggregates_url": reverse("web:poll_api_aggregates", args=[round_.pk]),
        "decryption_url": reverse("web:poll_api_decryption", args=[round_.pk]),
        "messages": _messages(),
    }
    context = {
        "round": round_,
        "me": me,
        "members": manifest.committee,
        "state": ceremony_state(round_),
        "committee_data": data,
        "can_prepare": Role.COMMITTEE in scope_of(request).roles
        or Role.ORGANISER in scope_of(request).roles,
    }
    return render(request, "poll/committee.html", context)


@api_methods("GET", "POST")
@require_role(*READERS)
def ceremony_api(request: HttpRequest, round_id: int) -> JsonResponse:
    """GET: the ceremony's public state. POST {"kind", "payload"}: post one message."""
    round_ = _round(request)
    if request.method == "POST":
        try:
            data = json_body(request)
            kind = str(data.get("kind", ""))
            msg = do_post_ceremony_message(
                actor_for(request, Role.COMMITTEE), round_, kind, data.get("payload")
            )
        except BadJson as exc:
            return json_error("bad_request", exc.message)
        except ActionError as exc:
            return json_error("refused", exc.message, 409)
        round_.refresh_from_db()
        return JsonResponse(
            {"ok": True, "kind": msg.kind, "state": ceremony_state(round_)}, status=201
        )
    return JsonResponse(ceremony_state(round_))


@api_post
@require_role(Role.COMMITTEE, Role.ORGANISER)
def aggregates_api(request: HttpRequest, round_id: int) -> JsonResponse:
    """POST: post the ``close`` and ``aggregates`` sections if needed; answer what to
    decrypt (the election fingerprint and one aggregate per official)."""
    round_ = _round(request)
    try:
        sums = do_prepare_aggregates(actor_for(request, Role.COMMITTEE, Role.ORGANISER), round_)
    except ActionError as exc:
        return json_error("refused", exc.message, 409)
    return JsonResponse({"fingerprint": round_.fingerprint, "aggregates": sums})


@api_post
@require_role(Role.COMMITTEE)
def decryption_api(request: HttpRequest, round_id: int) -> JsonResponse:
    """POST {"share": DecryptionShare.to_dict()}: the member's partial decryption."""
    round_ = _round(request)
    try:
        data = json_body(request)
        do_post_decryption_share(actor_for(request, Role.COMMITTEE), round_, data.get("share"))
    except BadJson as exc:
        return json_error("bad_request", exc.message)
    except ActionError as exc:
        return json_error("refused", exc.message, 409)
    round_.refresh_from_db()
    return JsonResponse({"ok": True, "state": ceremony_state(round_)}, status=201)


def _download(payload: dict[str, Any], filename: str) -> HttpResponse:
    body = json.dumps(payload, ensure_ascii=False, sort_keys=True, indent=1)
    response = HttpResponse(body.encode("utf-8"), content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_GET
@require_role(*READERS)
def ceremony_file(request: HttpRequest, round_id: int) -> HttpResponse:
    """The ceremony file for ``tinnhiem trustee``: manifest, fingerprint, messages so far."""
    round_ = _round(request)
    state = ceremony_state(round_)
    payload = {
        "format": TRUSTEE_FORMAT,
        "kind": "ceremony",
        "manifest": manifest_for(round_).to_json(),
        **state,
    }
    return _download(payload, f"ceremony-{round_.pk}.json")


@require_GET
@require_role(*READERS)
def aggregates_file(request: HttpRequest, round_id: int) -> HttpResponse:
    """What to decrypt, for ``tinnhiem trustee decrypt`` (after the round is prepared)."""
    round_ = _round(request)
    aggregates = section(round_, "aggregates")
    committee = section(round_, "committee")
    if aggregates is None or committee is None:
        messages.error(request, _("Chưa có bản mã tổng: hãy chuẩn bị kiểm phiếu trước."))
        return redirect("web:poll_committee", round_id=round_.pk)
    payload = {
        "format": TRUSTEE_FORMAT,
        "kind": "aggregates",
        "round_id": manifest_for(round_).round_id,
        "fingerprint": round_.fingerprint,
        "committee": committee["key"],
        "aggregates": aggregates,
    }
    return _download(payload, f"aggregates-{round_.pk}.json")


@require_POST
@require_role(Role.COMMITTEE, Role.ORGANISER)
def prepare(request: HttpRequest, round_id: int) -> HttpResponse:
    """Form button: post the aggregates of a closed round."""
    round_ = _round(request)
    try:
        do_prepare_aggregates(actor_for(request, Role.COMMITTEE, Role.ORGANISER), round_)
    except ActionError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Đã cộng dồn các lá phiếu; Ban kiểm phiếu có thể giải mã."))
    return redirect("web:poll_committee", round_id=round_.pk)


@require_POST
@require_role(Role.COMMITTEE)
def upload(request: HttpRequest, round_id: int) -> HttpResponse:
    """A message file written by ``tinnhiem trustee`` (commit, reveal, confirm, complaint or
    decryption), posted as if the member's browser had sent it."""
    round_ = _round(request)
    manifest = manifest_for(round_)
    file = request.FILES.get("file")
    try:
        if file is None or (file.size or 0) > MAX_UPLOAD:
            raise ActionError(_("Hãy chọn một tệp (tối đa 4 MB)."), field="file")
        try:
            data = json.loads(file.read().decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as exc:
            raise ActionError(_("Tệp không phải JSON."), field="file") from exc
        if not isinstance(data, dict) or data.get("format") != TRUSTEE_FORMAT:
            raise ActionError(_("Đây không phải tệp của lệnh tinnhiem trustee."), field="file")
        if data.get("round_id") != manifest.round_id:
            raise ActionError(
                _("Tệp này thuộc đợt khác (%(r)s).") % {"r": data.get("round_id")}, field="file"
            )
        kind = data.get("kind")
        actor = actor_for(request, Role.COMMITTEE)
        if kind == "decryption":
            do_post_decryption_share(actor, round_, data.get("payload"))
        elif kind in CEREMONY_KINDS:
            do_post_ceremony_message(actor, round_, str(kind), data.get("payload"))
        else:
            raise ActionError(_("Loại tệp không hợp lệ."), field="file")
    except ActionError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Đã nhận tệp “%(k)s”.") % {"k": kind})
    return redirect("web:poll_committee", round_id=round_.pk)
