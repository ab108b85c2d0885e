"""The paper round pages: status and creation, sheets to print, the operator's entry page,
the totals page, disagreements with the resolve form, and the count in the box."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from tinnhiem.paper import (
    BALLOT_FIELD,
    TOTALS_ITEM,
    LevelCounts,
    PaperError,
    PaperSession,
    TotalsSheet,
    marks_for,
    personnel_marks_for,
    render_ballots_pdf,
)
from tinnhiem.web.actions import ActionError
from tinnhiem.web.actions.paper_entry import (
    do_paper_enter_ballot,
    do_paper_enter_totals,
    do_paper_resolve,
    do_paper_resolve_totals,
)
from tinnhiem.web.actions.paper_personnel import (
    do_paper_enter_personnel_totals,
    do_paper_post_step,
)
from tinnhiem.web.actions.paper_rounds import (
    do_create_paper_round,
    do_paper_declare_returned,
    do_paper_import_electronic,
    do_paper_issue,
)
from tinnhiem.web.actions.paper_store import load_session, operator_name, paper_round_of
from tinnhiem.web.forms.paper import (
    BallotEntryForm,
    IssueForm,
    PaperRoundForm,
    PersonnelTotalsForm,
    ResolveForm,
    ReturnedForm,
    TotalsForm,
    mark_key,
)
from tinnhiem.web.lib.access import require_role
from tinnhiem.web.lib.paper import field_label, mark_label, own_entries
from tinnhiem.web.lib.visibility import Sealed, may_see
from tinnhiem.web.models import Person, Result, Role, Round
from tinnhiem.web.models.paper import PaperRound
from tinnhiem.web.views.common import actor_for, add_action_error, scope_of

__all__ = [
    "paper_ballots",
    "paper_disagreements",
    "paper_electronic",
    "paper_enter",
    "paper_issue",
    "paper_log",
    "paper_post_step",
    "paper_resolve",
    "paper_returned",
    "paper_status",
    "paper_totals",
]

READERS = (Role.ORGANISER, Role.COMMITTEE, Role.OBSERVER)


def _round(request: HttpRequest) -> Round:
    round_ = scope_of(request).round
    assert round_ is not None
    return round_


def _paper(round_: Round) -> tuple[PaperRound, PaperSession]:
    paper_round = paper_round_of(round_)
    if paper_round is None:
        raise Http404(_("Đợt này chưa có phiếu giấy."))
    return paper_round, load_session(paper_round)


def _officials(session: PaperSession) -> list[tuple[str, str, str]]:
    return [(o.id, o.name, o.position) for o in session.definition.officials]


@never_cache
@require_role(*READERS)
def paper_status(request: HttpRequest, round_id: int) -> HttpResponse:
    """The paper round's status with its counts; the organiser creates it here."""
    round_ = _round(request)
    roles = scope_of(request).roles
    paper_round = paper_round_of(round_)
    can_create = Role.ORGANISER in roles and paper_round is None
    form = PaperRoundForm(request.POST or None) if can_create else None
    status = 200
    if request.method == "POST":
        if Role.ORGANISER not in roles:
            raise PermissionDenied("organiser")
        if form is None:
            raise Http404(_("Đợt này đã có phiếu giấy."))
        if form.is_valid():
            try:
                do_create_paper_round(
                    actor_for(request, Role.ORGANISER), round_, **form.cleaned_data
                )
            except ActionError as exc:
                add_action_error(form, exc)
            else:
                messages.success(request, _("Đã tạo đợt phiếu giấy."))
                return redirect("web:paper", round_id=round_.pk)
        status = 400
    context: dict[str, Any] = {"round": round_, "form": form, "roles": roles}
    if paper_round is not None:
        if not may_see(Sealed.DRAFTS, round_, roles):
            raise PermissionDenied("drafts")
        session = load_session(paper_round)
        personnel = session.definition.personnel is not None
        posted = personnel and Result.objects.filter(round=round_).exists()
        context.update(
            session=session,
            definition=session.definition,
            status=session.status(),
            personnel=personnel,
            posted=posted,
            can_post=personnel
            and not posted
            and bool(roles & {Role.ORGANISER, Role.COMMITTEE})
            and _complete(session),
            returned_form=ReturnedForm(),
            issue_form=IssueForm(round_) if paper_round.mixed else None,
            can_enter=Role.COMMITTEE in roles,
        )
    return render(request, "paper/status.html", context, status=status)


def _complete(session: PaperSession) -> bool:
    """Every sheet (or the totals sheet) agreed or resolved: the step can be posted."""
    try:
        session.personnel_tally()
    except PaperError:
        return False
    return True


@require_POST
@require_role(Role.ORGANISER, Role.COMMITTEE)
def paper_post_step(request: HttpRequest, round_id: int) -> HttpResponse:
    """A paper personnel step: post its result (decided by the core) where the procedure
    reads it; the next step is then made from its ``advancing`` list."""
    round_ = _round(request)
    try:
        do_paper_post_step(actor_for(request, Role.ORGANISER, Role.COMMITTEE), round_)
    except ActionError as exc:
        messages.error(request, exc.message)
        return redirect("web:paper", round_id=round_.pk)
    messages.success(request, _("Đã chốt kết quả của bước."))
    return redirect("web:results", round_id=round_.pk)


@require_role(*Role)
def paper_log(request: HttpRequest, round_id: int) -> HttpResponse:
    """The paper round's entry log (JSON lines, exactly as stored): ``tinnhiem verify``
    replays and checks it. It carries every sheet's marks, so it is sealed as the results
    are (``lib.visibility``)."""
    round_ = _round(request)
    _pr, session = _paper(round_)
    if not may_see(Sealed.RESULTS, round_, scope_of(request).roles, user=request.user):
        raise Http404(_("Kết quả chưa được công bố."))
    body = "".join(e.to_json() + "\n" for e in session.events).encode("utf-8")
    response = HttpResponse(body, content_type="application/x-ndjson; charset=utf-8")
    name = session.definition.round_id
    response["Content-Disposition"] = f'attachment; filename="nhat-ky-{name}.jsonl"'
    return response


@require_role(Role.ORGANISER, Role.COMMITTEE)
def paper_ballots(request: HttpRequest, round_id: int) -> HttpResponse:
    """The sheets to print, one A4 page per serial (``?from=&to=`` for some)."""
    _pr, session = _paper(_round(request))
    printed = session.definition.paper_serials
    try:
        first = int(request.GET.get("from") or 1)
        last = int(request.GET.get("to") or printed)
    except ValueError as exc:
        raise Http404(_("Số phiếu không hợp lệ.")) from exc
    if not 1 <= first <= last <= printed:
        raise Http404(_("Số phiếu không hợp lệ."))
    pdf = render_ballots_pdf(session.definition, range(first, last + 1))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="phieu-{session.definition.round_id}-{first}-{last}.pdf"'
    )
    return response


def _my_entries(session: PaperSession, operator: str, totals: bool) -> list[dict[str, Any]]:
    definition = session.definition
    rows = []
    for entry in own_entries(session.events, operator):
        if (entry.item == TOTALS_ITEM) != totals:
            continue
        if entry.values.get(BALLOT_FIELD) == "invalid":
            values = [(_("Cả phiếu"), mark_label("invalid"))]
        elif totals:
            values = [(field_label(definition, k), v) for k, v in entry.values.items()]
        else:
            values = [(o.name, mark_label(entry.values.get(o.id))) for o in definition.officials]
        rows.append({"item": entry.item, "values": values, "submitted": entry.submitted})
    rows.sort(key=lambda r: int(str(r["item"])) if str(r["item"]).isdigit() else 0, reverse=True)
    return rows


@never_cache
@require_role(Role.COMMITTEE)
def paper_enter(request: HttpRequest, round_id: int) -> HttpResponse:
    """An operator enters sheets, one after another. The page shows their own entries only
    (never the other operator's reading)."""
    round_ = _round(request)
    _pr, session = _paper(round_)
    if session.definition.mode != "ballots":
        return redirect("web:paper_totals", round_id=round_.pk)
    officials = _officials(session)
    initial = {"serial": request.GET.get("serial") or ""}
    kind = session.definition.kind
    ballot = session.definition.personnel.ballot if session.definition.personnel else None
    form = BallotEntryForm(
        request.POST or None, officials=officials, kind=kind, ballot=ballot, initial=initial
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            serial = form.cleaned_data["serial"]
            try:
                state = do_paper_enter_ballot(
                    actor_for(request, Role.COMMITTEE),
                    round_,
                    serial=serial,
                    marks=form.cleaned_data["marks"],
                    device=form.cleaned_data["device"],
                )
            except ActionError as exc:
                add_action_error(form, exc)
            else:
                messages.success(
                    request,
                    _("Đã lưu phiếu số %(serial)s (%(state)s).")
                    % {"serial": serial, "state": _state_label(state)},
                )
                response = redirect("web:paper_enter", round_id=round_.pk)
                response["Location"] += f"?serial={serial + 1}"
                return response
        status = 400
    context = {
        "round": round_,
        "definition": session.definition,
        "form": form,
        "kind": ballot or kind,
        "mark_key": mark_key(kind, ballot),
        "mine": _my_entries(session, operator_name(request.user), totals=False),
    }
    return render(request, "paper/enter.html", context, status=status)


def _state_label(state: str) -> str:
    return {
        "in_progress": _("chờ người nhập thứ hai"),
        "counted": _("hai lần nhập khớp, đã tính"),
        "disagreement": _("có chênh lệch, Ban kiểm phiếu cần xem phiếu gốc"),
        "not_entered": _("chưa nhập"),
    }.get(state, state)


@never_cache
@require_role(Role.COMMITTEE)
def paper_totals(request: HttpRequest, round_id: int) -> HttpResponse:
    """Totals of a hand count, entered by each operator independently."""
    round_ = _round(request)
    _pr, session = _paper(round_)
    if session.definition.mode != "totals":
        return redirect("web:paper_enter", round_id=round_.pk)
    officials = _officials(session)
    kind = session.definition.kind
    if session.definition.personnel is not None:
        return _personnel_totals(request, round_, session)
    form = TotalsForm(request.POST or None, officials=officials, kind=kind)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            sheet = TotalsSheet(
                issued=data["issued"],
                returned=data["returned"],
                counts={
                    key: LevelCounts.of(kind, [data[f"{key}.{lv}"] for lv in form.levels()])
                    for key, _n, _p in officials
                },
            )
            try:
                do_paper_enter_totals(
                    actor_for(request, Role.COMMITTEE),
                    round_,
                    sheet=sheet,
                    device=data["device"],
                )
            except ActionError as exc:
                add_action_error(form, exc)
            else:
                messages.success(request, _("Đã lưu bảng tổng hợp của bạn."))
                return redirect("web:paper_totals", round_id=round_.pk)
        status = 400
    context = {
        "round": round_,
        "definition": session.definition,
        "form": form,
        "kind": kind,
        "mine": _my_entries(session, operator_name(request.user), totals=True),
    }
    return render(request, "paper/totals.html", context, status=status)


def _personnel_totals(request: HttpRequest, round_: Round, session: PaperSession) -> HttpResponse:
    """A personnel step counted by hand: the committee's totals per candidate."""
    personnel = session.definition.personnel
    assert personnel is not None
    form = PersonnelTotalsForm(
        request.POST or None, officials=_officials(session), ballot=personnel.ballot
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                do_paper_enter_personnel_totals(
                    actor_for(request, Role.COMMITTEE),
                    round_,
                    values=form.values(),
                    device=form.cleaned_data["device"],
                )
            except ActionError as exc:
                add_action_error(form, exc)
            else:
                messages.success(request, _("Đã lưu bảng tổng hợp của bạn."))
                return redirect("web:paper_totals", round_id=round_.pk)
        status = 400
    context = {
        "round": round_,
        "definition": session.definition,
        "form": form,
        "kind": personnel.ballot,
        "personnel": True,
        "mine": _my_entries(session, operator_name(request.user), totals=True),
    }
    return render(request, "paper/totals.html", context, status=status)


@never_cache
@require_role(*READERS)
def paper_disagreements(request: HttpRequest, round_id: int) -> HttpResponse:
    """Every unresolved difference: serial, official, what each operator entered."""
    round_ = _round(request)
    _pr, session = _paper(round_)
    if not may_see(Sealed.DRAFTS, round_, scope_of(request).roles):
        raise PermissionDenied("drafts")
    rows = _disagreement_rows(session)
    return render(
        request,
        "paper/disagreements.html",
        {
            "round": round_,
            "definition": session.definition,
            "rows": rows,
            "can_resolve": Role.COMMITTEE in scope_of(request).roles,
            "status": session.status(),
        },
    )


def _disagreement_rows(session: PaperSession) -> list[dict[str, Any]]:
    definition = session.definition
    totals = definition.mode == "totals"
    rows = []
    for d in session.status().disagreements:
        entered = [
            (op, v if totals else mark_label(v)) if v is not None else (op, "—")
            for op, v in d.entered
        ]
        if totals:
            choices: list[tuple[str, str]] = []
        elif d.field == BALLOT_FIELD:
            choices = [("valid", _("Phiếu hợp lệ")), ("invalid", _("Không hợp lệ"))]
        elif definition.personnel is not None:
            choices = [
                (m.code, _(m.label_vi)) for m in personnel_marks_for(definition.personnel.ballot)
            ]
        else:
            choices = [(m.code, _(m.label_vi)) for m in marks_for(definition.kind)]
        rows.append(
            {
                "item": d.item,
                "field": d.field,
                "label": field_label(definition, d.field),
                "entered": entered,
                "choices": choices,
            }
        )
    return rows


@require_POST
@require_role(Role.COMMITTEE)
def paper_resolve(request: HttpRequest, round_id: int) -> HttpResponse:
    """Record the committee's reading of one disputed field; the resolver is the user."""
    round_ = _round(request)
    form = ResolveForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Thiếu thông tin để xử lý chênh lệch."))
        return redirect("web:paper_disagreements", round_id=round_.pk)
    data = form.cleaned_data
    actor = actor_for(request, Role.COMMITTEE)
    try:
        if data["item"] == TOTALS_ITEM:
            value = data["value"].strip()
            if not value.isdigit():
                raise ActionError(_("Giá trị phải là số nguyên không âm."), field="value")
            do_paper_resolve_totals(
                actor, round_, key=data["field"], value=int(value), note=data["note"]
            )
        else:
            if not data["item"].isdigit():
                raise ActionError(_("Số phiếu không hợp lệ."))
            do_paper_resolve(
                actor,
                round_,
                serial=int(data["item"]),
                field=data["field"],
                value=data["value"].strip(),
                note=data["note"],
            )
    except (ActionError, PaperError) as exc:
        messages.error(request, exc.message if isinstance(exc, ActionError) else str(exc))
    else:
        messages.success(request, _("Đã ghi kết quả xử lý chênh lệch."))
    return redirect("web:paper_disagreements", round_id=round_.pk)


@require_POST
@require_role(Role.COMMITTEE, Role.ORGANISER)
def paper_returned(request: HttpRequest, round_id: int) -> HttpResponse:
    """The number of sheets found in the box."""
    round_ = _round(request)
    form = ReturnedForm(request.POST)
    if form.is_valid():
        try:
            do_paper_declare_returned(
                actor_for(request, Role.COMMITTEE, Role.ORGANISER),
                round_,
                count=form.cleaned_data["count"],
            )
        except ActionError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Đã ghi số phiếu thu về."))
    else:
        messages.error(request, _("Số phiếu thu về không hợp lệ."))
    return redirect("web:paper", round_id=round_.pk)


@require_POST
@require_role(Role.COMMITTEE, Role.ORGANISER)
def paper_issue(request: HttpRequest, round_id: int) -> HttpResponse:
    """Mixed rounds: record that a summoned voter received a paper ballot; their electronic
    login for the round is turned off."""
    round_ = _round(request)
    form = IssueForm(round_, request.POST)
    if form.is_valid():
        person = Person.objects.get(pk=form.cleaned_data["voter"], body=round_.body)
        try:
            do_paper_issue(
                actor_for(request, Role.COMMITTEE, Role.ORGANISER), round_, person=person
            )
        except ActionError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request,
                _(
                    "Đã ghi: %(name)s nhận phiếu giấy. Đăng nhập điện tử của người này trong "
                    "đợt đã được tắt."
                )
                % {"name": person.full_name},
            )
    else:
        messages.error(request, _("Thông tin phát phiếu không hợp lệ."))
    return redirect("web:paper", round_id=round_.pk)


@require_POST
@require_role(Role.COMMITTEE, Role.ORGANISER)
def paper_electronic(request: HttpRequest, round_id: int) -> HttpResponse:
    """Mixed rounds: bring in the tallied electronic side for the reconciliation."""
    round_ = _round(request)
    try:
        do_paper_import_electronic(actor_for(request, Role.COMMITTEE, Role.ORGANISER), round_)
    except ActionError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Đã nhập kết quả phần điện tử."))
    return redirect("web:paper", round_id=round_.pk)
