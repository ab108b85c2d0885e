"""The counting committee's page (Ban kiểm phiếu): the key ceremony, the decryption and the
signatures of the final board head.

Everything secret happens in the member's browser (or offline with ``tinnhiem trustee``):
the page only carries public messages. Everyone with a role in the round sees who has
done which step. Files: ``ceremony.json`` (the manifest, the ceremony's fingerprint and the
messages so far), ``aggregates.json`` (what to decrypt) and ``head.json`` (the final board
head to sign) for the offline CLI, and an upload form for the message files the CLI writes.
"""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from tinnhiem.ballots import CommitteeMember as Seat
from tinnhiem.errors import InputError
from tinnhiem.poll import (
    CEREMONY_KINDS,
    TRUSTEE_FORMAT,
    Phase,
    PollEngine,
    aggregates_file,
    ceremony_file,
    head_file,
    read_message_file,
)
from tinnhiem.web.actions import ActionError, do_ensure_account
from tinnhiem.web.actions.poll import (
    do_post_ceremony_message,
    do_post_decryption_share,
    do_restart_ceremony,
    do_sign_head,
)
from tinnhiem.web.forms.committee import RestartForm
from tinnhiem.web.lib.access import require_role
from tinnhiem.web.lib.api import api_methods, api_post
from tinnhiem.web.lib.poll_round import display_name, engine_of
from tinnhiem.web.models import CommitteeMember, DecryptionShare, Person, Role, Round
from tinnhiem.web.views.common import (
    BadJson,
    actor_for,
    json_body,
    json_error,
    scope_of,
    signed_in,
    wasm_csp,
)

__all__ = [
    "aggregates_api",
    "aggregates_file_download",
    "ceremony_api",
    "ceremony_file_download",
    "committee",
    "decryption_api",
    "head_file_download",
    "head_signature_api",
    "restart",
    "upload",
]

#: Everyone with a role in the round sees who has done which step (all of it is public).
READERS = tuple(Role)
MAX_UPLOAD = 4 * 1024 * 1024


def _round(request: HttpRequest) -> Round:
    round_ = scope_of(request).round
    assert round_ is not None
    return round_


def _frozen(round_: Round) -> PollEngine:
    """The round's engine, once its manifest is frozen (404 before the ceremony starts)."""
    engine = engine_of(round_)
    if engine.phase is Phase.NEW:
        raise Http404(_("Lễ tạo khóa của đợt này chưa bắt đầu."))
    return engine


def ceremony_state(round_: Round, engine: PollEngine | None = None) -> dict[str, Any]:
    """The public state of the ceremony and of the decryption, as the page polls it. Before
    the ceremony starts there is no frozen manifest yet: only the seats are known."""
    engine = engine or engine_of(round_)
    phase = engine.phase
    state: dict[str, Any] = {
        "round": round_.pk,
        "status": round_.status,
        "phase": phase.value,
        "t": round_.threshold,
        "n": round_.committee_size,
        "commits": {},
        "reveals": {},
        "confirms": {},
        "complaints": [],
        "public_key": round_.public_key,
        "fingerprint": round_.fingerprint,
        "aggregates_ready": phase in (Phase.CLOSED, Phase.TALLIED),
        "shares": sorted(
            DecryptionShare.objects.filter(round=round_).values_list("member__index", flat=True)
        ),
        "tallied": phase is Phase.TALLIED,
        "present": [],
        "head": "",
        "signatures": [],
        "complete": False,
    }
    if phase is Phase.TALLIED:
        # The final board head, who must sign it (the members who decrypted) and who has.
        present = engine.present()
        signed = engine.store.head_signatures()
        state.update(
            present=present,
            head=engine.head().hex(),
            signatures=sorted(signed),
            complete=all(m in signed for m in present),
        )
    if phase is Phase.NEW:
        return state
    manifest = engine.manifest
    transcript = engine.transcript()
    state.update(
        round_id=manifest.round_id,
        t=manifest.threshold,
        n=len(manifest.committee),
        ceremony_fingerprint=ceremony_file(manifest, transcript)["ceremony_fingerprint"],
        commits={str(i): p for i, p in transcript.commits.items()},
        reveals={str(i): p for i, p in transcript.reveals.items()},
        confirms={str(i): p for i, p in transcript.confirms.items()},
        complaints=transcript.complaints,
    )
    return state


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
        "sign_done": _("Đã ký đầu chuỗi bảng tin. Cảm ơn bạn."),
        "sign_complete": _(
            "Mọi thành viên đã giải mã đều đã ký: hồ sơ cuộc bỏ phiếu đã đủ chữ ký."
        ),
        "wrong_share": _(
            "Tệp phần khóa này không khớp với khóa kiểm chứng của bạn trong lễ tạo khóa."
        ),
        "not_needed": _("Không cần (không giải mã)"),
        "record_complete": _(
            "Mọi thành viên đã giải mã đều đã ký đầu chuỗi bảng tin: hồ sơ cuộc bỏ phiếu "
            "đã đủ chữ ký."
        ),
        "record_missing": _(
            "Hồ sơ cuộc bỏ phiếu chưa đủ chữ ký: còn chờ thành viên %(members)s ký đầu "
            "chuỗi bảng tin."
        ),
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
    me = CommitteeMember.objects.seated(round_).filter(user=signed_in(request)).first()
    engine = engine_of(round_)
    if engine.phase is Phase.NEW:  # the seats so far; the ceremony has not started
        seats = CommitteeMember.objects.seated(round_).select_related("user")
        members = [Seat(m.index, display_name(m.user)) for m in seats.order_by("index")]
        manifest_json = None
    else:
        members = list(engine.manifest.committee)
        manifest_json = engine.manifest.to_json()
    data = {
        "index": me.index if me else None,
        "manifest": manifest_json,
        "state_url": reverse("web:poll_api_ceremony", args=[round_.pk]),
        "aggregates_url": reverse("web:poll_api_aggregates", args=[round_.pk]),
        "decryption_url": reverse("web:poll_api_decryption", args=[round_.pk]),
        "head_signature_url": reverse("web:poll_api_head_signature", args=[round_.pk]),
        "messages": _messages(),
    }
    state = ceremony_state(round_, engine)
    head = str(state["head"])
    context = {
        "round": round_,
        "me": me,
        # The head in groups of 4 hex digits, to read aloud and compare with the board page.
        "head_groups": " ".join(head[i : i + 4] for i in range(0, len(head), 4)),
        "members": members,
        "state": state,
        "committee_data": data,
        "restart_form": _restart_form(request, round_, engine),
    }
    return render(request, "poll/committee.html", context)


def _restart_form(
    request: HttpRequest, round_: Round, engine: PollEngine, data: Any = None
) -> RestartForm | None:
    """The organiser's form to restart a ceremony in which a member was accused."""
    if Role.ORGANISER not in scope_of(request).roles or engine.phase is not Phase.CEREMONY:
        return None
    accused = sorted({int(c["accused"]) for c in engine.transcript().complaints})
    if not accused:
        return None
    seated = CommitteeMember.objects.seated(round_).select_related("user")
    names = {s.index: display_name(s.user) for s in seated}
    taken = {s.user_id for s in seated}
    people = Person.objects.filter(body=round_.body).exclude(user_id__in=taken)
    return RestartForm(
        data,
        accused={a: names.get(a, str(a)) for a in accused},
        people=[(p.pk, p.full_name) for p in people.order_by("full_name")],
    )


@require_POST
@require_role(Role.ORGANISER)
def restart(request: HttpRequest, round_id: int) -> HttpResponse:
    """Restart the key ceremony without the accused members, or with replacements."""
    round_ = _round(request)
    form = _restart_form(request, round_, engine_of(round_), request.POST)
    if form is None:
        messages.error(request, _("Không có khiếu nại nào để tạo khóa lại."))
        return redirect("web:poll_committee", round_id=round_.pk)
    if not form.is_valid():
        messages.error(request, _("Hãy ghi lý do tạo khóa lại."))
        return redirect("web:poll_committee", round_id=round_.pk)
    actor = actor_for(request, Role.ORGANISER)
    try:
        replacements = {
            index: do_ensure_account(actor, Person.objects.get(pk=pk, body=round_.body)).user
            for index, pk in form.replacements().items()
        }
        do_restart_ceremony(
            actor, round_, replacements=replacements, reason=form.cleaned_data["reason"]
        )
    except (ActionError, Person.DoesNotExist) as exc:
        messages.error(request, getattr(exc, "message", str(exc)))
    else:
        messages.success(
            request,
            _("Đã tạo khóa lại từ đầu; mọi thành viên hãy làm lại từ bước 1 với khóa mới."),
        )
    return redirect("web:poll_committee", round_id=round_.pk)


@api_methods("GET", "POST")
@require_role(*READERS)
def ceremony_api(request: HttpRequest, round_id: int) -> JsonResponse:
    """GET: the ceremony's public state. POST {"kind", "payload"}: post one message."""
    round_ = _round(request)
    if request.method == "POST":
        try:
            data = json_body(request)
            kind = str(data.get("kind", ""))
            do_post_ceremony_message(
                actor_for(request, Role.COMMITTEE), round_, kind, data.get("payload")
            )
        except BadJson as exc:
            return json_error("bad_request", exc.message)
        except ActionError as exc:
            return json_error("refused", exc.message, 409)
        round_.refresh_from_db()
        return JsonResponse({"ok": True, "kind": kind, "state": ceremony_state(round_)}, status=201)
    return JsonResponse(ceremony_state(round_))


def _aggregates(engine: PollEngine) -> list[str]:
    return [a.hex() for a in engine.aggregates()]


@api_post
@require_role(Role.COMMITTEE, Role.ORGANISER)
def aggregates_api(request: HttpRequest, round_id: int) -> JsonResponse:
    """POST: what to decrypt (the election fingerprint and one aggregate per official),
    posted on the board when the round closed."""
    round_ = _round(request)
    engine = engine_of(round_)
    if engine.phase not in (Phase.CLOSED, Phase.TALLIED):
        return json_error("refused", _("Hãy đóng đợt bỏ phiếu trước khi kiểm phiếu."), 409)
    return JsonResponse({"fingerprint": round_.fingerprint, "aggregates": _aggregates(engine)})


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


@api_post
@require_role(Role.COMMITTEE)
def head_signature_api(request: HttpRequest, round_id: int) -> JsonResponse:
    """POST {"signature": hex}: the member's signature of the tallied round's final board
    head (record-format §3.12), made with their key share; the engine checks it."""
    round_ = _round(request)
    try:
        data = json_body(request)
        complete = do_sign_head(actor_for(request, Role.COMMITTEE), round_, data.get("signature"))
    except BadJson as exc:
        return json_error("bad_request", exc.message)
    except ActionError as exc:
        return json_error("refused", exc.message, 409)
    round_.refresh_from_db()
    return JsonResponse(
        {"ok": True, "complete": complete, "state": ceremony_state(round_)}, status=201
    )


def _download(payload: dict[str, Any], filename: str) -> HttpResponse:
    body = json.dumps(payload, ensure_ascii=False, sort_keys=True, indent=1)
    response = HttpResponse(body.encode("utf-8"), content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_GET
@require_role(*READERS)
def ceremony_file_download(request: HttpRequest, round_id: int) -> HttpResponse:
    """The ceremony file for ``tinnhiem trustee``: manifest, fingerprint, messages so far."""
    round_ = _round(request)
    engine = _frozen(round_)
    return _download(
        ceremony_file(engine.manifest, engine.transcript()), f"ceremony-{round_.pk}.json"
    )


@require_GET
@require_role(*READERS)
def aggregates_file_download(request: HttpRequest, round_id: int) -> HttpResponse:
    """What to decrypt, for ``tinnhiem trustee decrypt`` (once the round is closed)."""
    round_ = _round(request)
    engine = engine_of(round_)
    if engine.phase not in (Phase.CLOSED, Phase.TALLIED):
        messages.error(request, _("Chưa có bản mã tổng: hãy đóng đợt bỏ phiếu trước."))
        return redirect("web:poll_committee", round_id=round_.pk)
    payload = aggregates_file(
        engine.manifest.round_id,
        engine.fingerprint,
        engine.store.section("committee")["key"],
        _aggregates(engine),
    )
    return _download(payload, f"aggregates-{round_.pk}.json")


@require_GET
@require_role(*READERS)
def head_file_download(request: HttpRequest, round_id: int) -> HttpResponse:
    """The final board head to sign, for ``tinnhiem trustee sign-head`` (once tallied)."""
    round_ = _round(request)
    engine = engine_of(round_)
    if engine.phase is not Phase.TALLIED:
        messages.error(request, _("Chưa có đầu chuỗi để ký: đợt chưa kiểm phiếu xong."))
        return redirect("web:poll_committee", round_id=round_.pk)
    payload = head_file(
        engine.manifest.round_id,
        engine.fingerprint,
        engine.store.section("committee")["key"],
        engine.present(),
        engine.head(),
    )
    return _download(payload, f"head-{round_.pk}.json")


def _signature_of(seat: CommitteeMember | None, payload: Any) -> Any:
    """The signature in an uploaded ``head_signature`` file, once the file is the
    uploader's own (a member uploads only their own seat's signature)."""
    member = payload.get("member") if isinstance(payload, dict) else None
    if seat is None or member != seat.index:
        raise ActionError(
            _("Tệp chữ ký này của thành viên %(m)s, không phải của bạn.") % {"m": member},
            field="file",
        )
    return payload.get("signature")


@require_POST
@require_role(Role.COMMITTEE)
def upload(request: HttpRequest, round_id: int) -> HttpResponse:
    """A message file written by ``tinnhiem trustee`` (commit, reveal, confirm, complaint,
    decryption or head signature), posted as if the member's browser had sent it."""
    round_ = _round(request)
    engine = _frozen(round_)
    file = request.FILES.get("file")
    kind = ""
    try:
        if file is None or (file.size or 0) > MAX_UPLOAD:
            raise ActionError(_("Hãy chọn một tệp (tối đa 4 MB)."), field="file")
        try:
            data = json.loads(file.read().decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as exc:
            raise ActionError(_("Tệp không phải JSON."), field="file") from exc
        if not isinstance(data, dict) or data.get("format") != TRUSTEE_FORMAT:
            raise ActionError(_("Đây không phải tệp của lệnh tinnhiem trustee."), field="file")
        if data.get("round_id") != engine.manifest.round_id:
            raise ActionError(
                _("Tệp này thuộc đợt khác (%(r)s).") % {"r": data.get("round_id")}, field="file"
            )
        try:
            message = read_message_file(data, round_id=engine.manifest.round_id)
        except InputError as exc:
            raise ActionError(_("Loại tệp không hợp lệ."), field="file") from exc
        kind = message.kind
        actor = actor_for(request, Role.COMMITTEE)
        if kind == "decryption":
            do_post_decryption_share(actor, round_, message.payload)
        elif kind == "head_signature":
            seat = CommitteeMember.objects.seated(round_).filter(user=actor.user).first()
            do_sign_head(actor, round_, _signature_of(seat, message.payload))
        elif kind in CEREMONY_KINDS:
            do_post_ceremony_message(actor, round_, kind, message.payload)
    except ActionError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Đã nhận tệp “%(k)s”.") % {"k": kind})
    return redirect("web:poll_committee", round_id=round_.pk)
